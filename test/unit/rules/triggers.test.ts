import { describe, expect, it } from 'vitest';
import { sunTimes } from '../../../main/core/rules/sun.ts';
import { MONDAY, on, rig } from './harness.ts';

const MIN = 60_000;
const lightOn = [{ type: 'command' as const, entityId: 'light', command: on }];

describe('triggers', () => {
  it('state: fires on a change to the target value, not on repeats or other values', async () => {
    const r = rig();
    r.set('occ', false);
    r.rule({
      id: 'a',
      name: 'a',
      triggers: [{ type: 'state', entityId: 'occ', from: false, to: true }],
      actions: lightOn,
    });
    r.engine.start();
    r.set('occ', true);
    await r.settle();
    r.set('occ', true); // same value again: no change
    await r.settle();
    r.set('occ', false);
    await r.settle();
    expect(r.commands).toHaveLength(1);
    expect(r.traces.at(-1)!.trigger.detail).toContain('false -> true');
  });

  it('state with "for": fires only when the state held long enough', async () => {
    const r = rig();
    r.set('door', false);
    r.rule({
      id: 'a',
      name: 'a',
      triggers: [{ type: 'state', entityId: 'door', to: true, forS: 120 }],
      actions: lightOn,
    });
    r.engine.start();
    r.set('door', true);
    await r.clock.advance(60_000);
    r.set('door', false); // closed again before 2 minutes
    await r.clock.advance(120_000);
    expect(r.commands).toHaveLength(0);
    r.set('door', true);
    await r.clock.advance(119_000);
    expect(r.commands).toHaveLength(0);
    await r.clock.advance(1_000);
    expect(r.commands).toHaveLength(1);
  });

  it('state: an unavailable sensor does not count as a change', async () => {
    const r = rig();
    r.set('occ', false);
    r.rule({
      id: 'a',
      name: 'a',
      triggers: [{ type: 'state', entityId: 'occ', to: true }],
      actions: lightOn,
    });
    r.engine.start();
    r.set('occ', true, 'unavailable');
    await r.settle();
    expect(r.commands).toHaveLength(0);
  });

  it('threshold: fires on crossing, re-arms only past the hysteresis', async () => {
    const r = rig();
    r.set('temp', 20);
    r.rule({
      id: 'hot',
      name: 'hot',
      triggers: [{ type: 'threshold', entityId: 'temp', above: 25, hysteresis: 1 }],
      actions: lightOn,
      rateLimit: { maxRuns: 100, perS: 60 },
    });
    r.engine.start();
    for (const v of [26, 24.5, 26, 25.5, 23.9, 25.1]) {
      r.set('temp', v);
      await r.settle();
    }
    // 26 fires; 24.5 is inside the hysteresis band; 23.9 re-arms; 25.1 fires again.
    expect(r.commands).toHaveLength(2);
  });

  it('threshold: already above when the rule loads is not a crossing; "for" needs the value to stay', async () => {
    const r = rig();
    r.set('co2', 1500);
    r.rule({
      id: 'air',
      name: 'air',
      triggers: [{ type: 'threshold', entityId: 'co2', above: 1000, forS: 300 }],
      actions: lightOn,
    });
    r.engine.start();
    r.set('co2', 1600);
    await r.clock.advance(600_000);
    expect(r.commands).toHaveLength(0);
    r.set('co2', 800);
    r.set('co2', 1200);
    await r.clock.advance(200_000);
    r.set('co2', 900); // dipped: the 5 minutes start again
    r.set('co2', 1100);
    await r.clock.advance(299_000);
    expect(r.commands).toHaveLength(0);
    await r.clock.advance(1_000);
    expect(r.commands).toHaveLength(1);
  });

  it('time of day, on chosen weekdays, in the site time zone', async () => {
    const r = rig();
    r.rule({
      id: 't',
      name: 't',
      triggers: [{ type: 'time', at: '07:30', weekdays: ['mon', 'wed'] }],
      actions: lightOn,
    });
    r.engine.start();
    await r.clock.advanceTo(MONDAY + 3 * 86_400_000); // Monday 00:00 .. Thursday 00:00 Berlin
    // 07:30 CET = 06:30 UTC
    expect(r.commands.map((c) => new Date(c.at).toISOString())).toEqual([
      '2025-03-10T06:30:00.000Z',
      '2025-03-12T06:30:00.000Z',
    ]);
  });

  it('cron: every 15 minutes between 8 and 9', async () => {
    const r = rig();
    r.rule({
      id: 'c',
      name: 'c',
      triggers: [{ type: 'cron', expression: '*/15 8 * * *' }],
      actions: lightOn,
    });
    r.engine.start();
    await r.clock.advanceTo(MONDAY + 86_400_000);
    expect(r.commands.map((c) => new Date(c.at).toISOString().slice(11, 16))).toEqual([
      '07:00',
      '07:15',
      '07:30',
      '07:45',
    ]);
  });

  it('sun: sunset with an offset, computed from the site coordinates', async () => {
    const r = rig();
    r.rule({
      id: 's',
      name: 's',
      triggers: [{ type: 'sun', event: 'sunset', offsetMin: -30 }],
      actions: lightOn,
    });
    r.engine.start();
    await r.clock.advanceTo(MONDAY + 86_400_000);
    const sunset = sunTimes(
      { year: 2025, month: 3, day: 10 },
      { lat: 50.11, lon: 8.68, timezone: 'Europe/Berlin' },
    ).sunset!;
    expect(r.commands).toHaveLength(1);
    expect(r.commands[0]!.at).toBe(Math.floor((sunset - 30 * MIN) / MIN) * MIN);
  });

  it('availability: a device offline for 5 minutes', async () => {
    const r = rig();
    r.engine.onAvailability('dev1', 'online');
    r.rule({
      id: 'v',
      name: 'v',
      triggers: [{ type: 'availability', deviceId: 'dev1', to: 'offline', forS: 300 }],
      actions: [{ type: 'notify', message: 'dev1 is gone', level: 'warning' }],
    });
    r.engine.start();
    r.engine.onAvailability('dev1', 'offline');
    await r.clock.advance(100_000);
    r.engine.onAvailability('dev1', 'online'); // a blip
    await r.clock.advance(400_000);
    expect(r.notes).toHaveLength(0);
    r.engine.onAvailability('dev1', 'offline');
    await r.clock.advance(300_000);
    expect(r.notes).toEqual([expect.objectContaining({ message: 'dev1 is gone', level: 'warning' })]);
  });

  it('button: every press with the chosen event, even the same event twice', async () => {
    const r = rig();
    r.rule({
      id: 'b',
      name: 'b',
      triggers: [{ type: 'button', entityId: 'btn', event: 'single' }],
      actions: lightOn,
      mode: { type: 'parallel', max: 10 },
    });
    r.engine.start();
    r.set('btn', 'single');
    await r.clock.advance(1000);
    r.set('btn', 'single');
    await r.clock.advance(1000);
    r.set('btn', 'double');
    await r.settle();
    expect(r.commands).toHaveLength(2);
  });

  it('system start', async () => {
    const r = rig();
    r.rule({ id: 'st', name: 'st', triggers: [{ type: 'start' }], actions: lightOn });
    r.engine.start();
    await r.settle();
    expect(r.commands).toHaveLength(1);
    expect(r.traces[0]!.trigger.type).toBe('start');
  });
});
