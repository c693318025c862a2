import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../shared/rules/condition.ts';
import type { TraceStep } from '../../../shared/rules/trace.ts';
import { evaluateCondition, type ConditionContext } from '../../../main/core/rules/conditions.ts';
import { localMinute } from '../../../main/core/rules/local-time.ts';
import { MONDAY, on, rig } from './harness.ts';

function ctxAt(
  ts: number,
  states: Record<string, unknown> = {},
  vars: Record<string, unknown> = {},
): ConditionContext {
  return {
    state: (id) =>
      id in states ? { value: states[id] as never, ts, source: 't', quality: 'good' } : undefined,
    zoneOccupied: (z) => (z === 'office' ? states['occ'] === true : null),
    variable: (n) => vars[n] as never,
    local: localMinute(ts, 'Europe/Berlin'),
    now: ts,
  };
}
const check = (c: Condition, ctx: ConditionContext) => {
  const steps: TraceStep[] = [];
  return { result: evaluateCondition(c, ctx, 'conditions.0', steps), steps };
};
const H = 3600_000;

describe('conditions', () => {
  it('state, with loose on/off spelling and attributes', () => {
    const c = ctxAt(MONDAY, { sw: true, light: { on: true, level: 40 } });
    expect(check({ type: 'state', entityId: 'sw', equals: 'on' }, c).result).toBe(true);
    expect(check({ type: 'state', entityId: 'sw', equals: false }, c).result).toBe(false);
    expect(check({ type: 'state', entityId: 'light', attribute: 'level', equals: 40 }, c).result).toBe(true);
    expect(check({ type: 'state', entityId: 'missing', equals: true }, c).steps[0]!.detail).toMatch(
      /no usable state/,
    );
  });

  it('numeric range', () => {
    const c = ctxAt(MONDAY, { t: 21.5, light: { on: true, level: 70 } });
    expect(check({ type: 'numeric', entityId: 't', above: 20, below: 22 }, c).result).toBe(true);
    expect(check({ type: 'numeric', entityId: 't', above: 21.5 }, c).result).toBe(false);
    expect(check({ type: 'numeric', entityId: 'light', below: 50 }, c).result).toBe(false);
  });

  it('time window, including one across midnight', () => {
    const at = (h: number) => ctxAt(MONDAY + h * H);
    const night: Condition = { type: 'time', after: '22:00', before: '06:00' };
    expect(check(night, at(23)).result).toBe(true);
    expect(check(night, at(3)).result).toBe(true);
    expect(check(night, at(6)).result).toBe(false);
    expect(check({ type: 'time', after: '08:00', before: '18:00' }, at(12)).result).toBe(true);
    expect(check({ type: 'time', after: '08:00', before: '18:00' }, at(18)).result).toBe(false);
  });

  it('weekday (local: Sunday 23:30 UTC is already Monday in Berlin)', () => {
    expect(check({ type: 'weekday', days: ['mon'] }, ctxAt(MONDAY + 30 * 60_000)).result).toBe(true);
    expect(check({ type: 'weekday', days: ['sat', 'sun'] }, ctxAt(MONDAY + 30 * 60_000)).result).toBe(false);
  });

  it('zone occupancy, and unknown zones are false with a reason', () => {
    expect(
      check({ type: 'zone_occupied', zoneId: 'office', occupied: true }, ctxAt(MONDAY, { occ: true })).result,
    ).toBe(true);
    expect(
      check({ type: 'zone_occupied', zoneId: 'office', occupied: false }, ctxAt(MONDAY, { occ: true }))
        .result,
    ).toBe(false);
    const r = check({ type: 'zone_occupied', zoneId: 'attic', occupied: false }, ctxAt(MONDAY));
    expect(r.result).toBe(false);
    expect(r.steps[0]!.detail).toMatch(/no occupancy sensor/);
  });

  it('variables, and/or/not with one trace step per node', () => {
    const c = ctxAt(MONDAY, { t: 25 }, { away: true });
    const tree: Condition = {
      type: 'and',
      conditions: [
        { type: 'variable', name: 'away', equals: true },
        {
          type: 'or',
          conditions: [
            { type: 'numeric', entityId: 't', above: 30 },
            { type: 'not', condition: { type: 'numeric', entityId: 't', below: 20 } },
          ],
        },
      ],
    };
    const r = check(tree, c);
    expect(r.result).toBe(true);
    expect(r.steps.map((s) => `${s.path}:${s.outcome}`)).toEqual([
      'conditions.0.conditions.0:true',
      'conditions.0.conditions.1.conditions.0:false',
      'conditions.0.conditions.1.conditions.1.condition:false',
      'conditions.0.conditions.1.conditions.1:true',
      'conditions.0.conditions.1:true',
      'conditions.0:true',
    ]);
  });

  it('a false condition stops the run and the trace says which', async () => {
    const r = rig();
    r.set('lux', 500);
    r.rule({
      id: 'dark',
      name: 'dark',
      triggers: [{ type: 'state', entityId: 'occ', to: true }],
      conditions: [{ type: 'numeric', entityId: 'lux', below: 100 }],
      actions: [{ type: 'command', entityId: 'light', command: on }],
    });
    r.engine.start();
    r.set('occ', true);
    await r.settle();
    expect(r.commands).toHaveLength(0);
    expect(r.traces[0]!.result).toBe('conditions_false');
    expect(r.traces[0]!.steps[0]).toMatchObject({ path: 'conditions.0', outcome: 'false', detail: 'is 500' });
  });
});
