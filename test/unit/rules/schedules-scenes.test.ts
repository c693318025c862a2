import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../shared/domain/entity.ts';
import { Schedule } from '../../../shared/rules/schedule.ts';
import { localMinute } from '../../../main/core/rules/local-time.ts';
import { captureScene } from '../../../main/core/rules/scenes.ts';
import { programmeFor, valueInForce } from '../../../main/core/rules/schedules.ts';
import { MONDAY, rig } from './harness.ts';

const office = Schedule.parse({
  id: 'office-heat',
  name: 'Office heating',
  zoneId: 'office',
  entityId: 'office.thermostat',
  kind: 'setpoint',
  week: {
    mon: [
      { at: '07:00', value: 21 },
      { at: '18:00', value: 17 },
    ],
    tue: [
      { at: '07:00', value: 21 },
      { at: '18:00', value: 17 },
    ],
    sun: [{ at: '10:00', value: 16 }],
  },
  holidays: [{ from: '2025-03-11', to: '2025-03-11', useDay: 'sun', note: 'closed' }],
});
const H = 3600_000;

describe('schedules', () => {
  it('sends the week programme, with a holiday running like a Sunday', async () => {
    const r = rig();
    r.engine.setSchedules([office]);
    r.engine.start();
    await r.clock.advanceTo(MONDAY + 2 * 24 * H);
    expect(r.commands.map((c) => [new Date(c.at).toISOString().slice(5, 16), c.command])).toEqual([
      ['03-10T06:00', { type: 'set_setpoint', value: 21 }],
      ['03-10T17:00', { type: 'set_setpoint', value: 17 }],
      ['03-11T09:00', { type: 'set_setpoint', value: 16 }],
    ]);
    expect(r.traces.map((t) => t.ruleId)).toEqual([
      'schedule:office-heat',
      'schedule:office-heat',
      'schedule:office-heat',
    ]);
  });

  it('knows the value in force and the programme of a date', () => {
    expect(valueInForce(office, localMinute(MONDAY + 12 * H, 'Europe/Berlin'))).toBe(21);
    expect(valueInForce(office, localMinute(MONDAY + 5 * H, 'Europe/Berlin'))).toBeNull();
    expect(programmeFor(office, localMinute(MONDAY + 24 * H + 12 * H, 'Europe/Berlin'))).toMatchObject({
      day: 'sun',
      holiday: 'closed',
    });
  });

  it('an on/off schedule on a switch; a disabled one sends nothing', async () => {
    const r = rig();
    const lights = Schedule.parse({
      id: 'l',
      name: 'l',
      entityId: 'sign',
      kind: 'onoff',
      week: {
        mon: [
          { at: '08:00', value: true },
          { at: '20:00', value: false },
        ],
      },
    });
    r.engine.setSchedules([lights, { ...lights, id: 'off', entityId: 'other', enabled: false }]);
    r.engine.start();
    await r.clock.advanceTo(MONDAY + 24 * H);
    expect(r.commands.map((c) => [c.entityId, c.command.type])).toEqual([
      ['sign', 'turn_on'],
      ['sign', 'turn_off'],
    ]);
  });
});

describe('scene capture', () => {
  const ent = (id: string, kind: Entity['kind'], writable = true): Entity => ({
    id,
    deviceId: 'd',
    key: id,
    name: id,
    kind,
    deviceClass: null,
    unit: null,
    writable,
    attributes: { dimmable: true },
    createdAt: 0,
  });
  it('turns current states into commands, and says what it skipped', () => {
    const states: Record<string, unknown> = {
      lamp: { on: true, level: 60 },
      dark: { on: false, level: 0 },
      plug: true,
      tstat: { mode: 'heat', setpoint: 20.5, current: 19 },
      temp: 21,
    };
    const { entries, skipped } = captureScene(
      [
        ent('lamp', 'light'),
        ent('dark', 'light'),
        ent('plug', 'switch'),
        ent('tstat', 'climate'),
        ent('temp', 'sensor', false),
        ent('nostate', 'switch'),
      ],
      (id) =>
        id in states ? { value: states[id] as never, ts: 0, source: 't', quality: 'good' } : undefined,
    );
    expect(entries.map((e) => [e.entityId, e.command])).toEqual([
      ['lamp', { type: 'set_level', level: 60 }],
      ['dark', { type: 'turn_off' }],
      ['plug', { type: 'turn_on' }],
      ['tstat', { type: 'set_mode', mode: 'heat' }],
      ['tstat', { type: 'set_setpoint', value: 20.5 }],
    ]);
    expect(skipped).toEqual(['temp: not controllable', 'nostate: no current state']);
  });
});
