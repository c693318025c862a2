import { describe, expect, it } from 'vitest';
import { AutomationBundle, fieldErrors, Rule, Schedule, Scene } from '../../../shared/rules/index.ts';
import { cronMatches, parseCron } from '../../../shared/rules/cron.ts';

const minimal = {
  id: 'r1',
  name: 'Light on when occupied',
  triggers: [{ type: 'state', entityId: 'office.occupancy', to: true }],
  actions: [{ type: 'command', entityId: 'office.light', command: { type: 'turn_on' } }],
};

describe('rule schema', () => {
  it('fills defaults for a minimal rule', () => {
    const r = Rule.parse(minimal);
    expect(r.mode).toEqual({ type: 'single', max: 10 });
    expect(r.enabled).toBe(true);
    expect(r.onRestart).toBe('drop');
    expect(r.rateLimit).toEqual({ maxRuns: 30, perS: 60 });
  });

  it('points errors at the field', () => {
    const bad = {
      ...minimal,
      id: 'Bad Id',
      triggers: [
        { type: 'time', at: '25:00' },
        { type: 'threshold', entityId: 'x' },
        { type: 'cron', expression: '* * *' },
      ],
      actions: [
        { type: 'delay', seconds: -1 },
        { type: 'command', entityId: '', command: { type: 'set_level', level: 300 } },
      ],
      conditions: [{ type: 'and', conditions: [{ type: 'time', after: '7:00', before: '08:00' }] }],
    };
    const r = Rule.safeParse(bad);
    expect(r.success).toBe(false);
    const paths = fieldErrors(r.error!).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'id',
        'triggers.0.at',
        'triggers.1.above',
        'triggers.2.expression',
        'actions.0.seconds',
        'actions.1.entityId',
        'actions.1.command.level',
      ]),
    );
    expect(paths.some((p) => p.startsWith('conditions.0'))).toBe(true);
  });

  it('rejects hostile input without throwing', () => {
    for (const input of [
      null,
      42,
      'x',
      [],
      { ...minimal, extra: 1 },
      { ...minimal, triggers: [] },
      { ...minimal, actions: 'all' },
      { ...minimal, name: 'x'.repeat(10_000) },
    ]) {
      expect(Rule.safeParse(input).success).toBe(false);
    }
    // Deep nesting is bounded by the schema's array limits, and a proto key is just an unknown key.
    expect(Rule.safeParse(JSON.parse('{"__proto__": {"admin": true}}')).success).toBe(false);
  });

  it('validates schedules: values must match the kind, holiday ranges ordered', () => {
    const s = Schedule.safeParse({
      id: 's1',
      name: 'Office heating',
      entityId: 'office.thermostat',
      kind: 'setpoint',
      week: {
        mon: [
          { at: '07:00', value: 21 },
          { at: '18:00', value: true },
        ],
      },
      holidays: [{ from: '2025-12-26', to: '2025-12-24', useDay: 'sun' }],
    });
    expect(s.success).toBe(false);
    const paths = fieldErrors(s.error!).map((e) => e.path);
    expect(paths).toContain('week.mon.1.value');
    expect(paths).toContain('holidays.0.to');
  });

  it('validates scenes and bundles', () => {
    expect(Scene.safeParse({ id: 'eve', name: 'Evening', entries: [] }).success).toBe(false);
    const b = AutomationBundle.parse({ format: 'truss-automations', version: 1, rules: [minimal] });
    expect(b.rules[0]!.id).toBe('r1');
    expect(AutomationBundle.safeParse({ format: 'other', version: 1 }).success).toBe(false);
  });
});

describe('cron', () => {
  const at = (
    o: Partial<{ year: number; month: number; day: number; hour: number; minute: number; weekday: number }>,
  ) => ({
    year: 2025,
    month: 3,
    day: 10,
    hour: 0,
    minute: 0,
    weekday: 1,
    ...o,
  });
  it('matches lists, ranges, steps and names', () => {
    const spec = parseCron('*/15 7-9 * * mon-fri');
    expect(cronMatches(spec, at({ hour: 7, minute: 30 }))).toBe(true);
    expect(cronMatches(spec, at({ hour: 7, minute: 31 }))).toBe(false);
    expect(cronMatches(spec, at({ hour: 10, minute: 0 }))).toBe(false);
    expect(cronMatches(spec, at({ hour: 8, minute: 0, weekday: 6 }))).toBe(false);
    expect(cronMatches(parseCron('0 12 1 jan,jul *'), at({ month: 7, day: 1, hour: 12 }))).toBe(true);
    expect(cronMatches(parseCron('0 0 * * 7'), at({ weekday: 0 }))).toBe(true);
  });
  it('uses OR when both day fields are restricted (as cron does)', () => {
    const spec = parseCron('0 0 13 * fri');
    expect(cronMatches(spec, at({ day: 13, weekday: 2 }))).toBe(true);
    expect(cronMatches(spec, at({ day: 14, weekday: 5 }))).toBe(true);
    expect(cronMatches(spec, at({ day: 14, weekday: 4 }))).toBe(false);
  });
  it('rejects malformed expressions with a reason', () => {
    expect(() => parseCron('61 * * * *')).toThrow(/minute/);
    expect(() => parseCron('* * * *')).toThrow(/5 fields/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/step/);
    expect(() => parseCron('a b c d e')).toThrow();
  });
});
