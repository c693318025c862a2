import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../shared/domain/entity.ts';
import { Rule } from '../../../shared/rules/rule.ts';
import { replayRule } from '../../../main/core/rules/replay.ts';
import { FRANKFURT, MONDAY } from './harness.ts';

const MIN = 60_000;
const entity = (id: string, kind: Entity['kind']): Entity => ({
  id,
  deviceId: 'd',
  key: id,
  name: id,
  kind,
  deviceClass: null,
  unit: null,
  writable: true,
  attributes: {},
  createdAt: 0,
});
const entities = new Map([
  ['occ', entity('occ', 'binary_sensor')],
  ['light', entity('light', 'light')],
  ['temp', entity('temp', 'sensor')],
]);

/** History as the time-series store returns it: numbers (occupancy as 0/1). */
function historyOf(series: Record<string, [number, number][]>) {
  return {
    samples: (id: string, from: number, to: number) =>
      (series[id] ?? [])
        .map(([m, value]) => ({ ts: MONDAY + m * MIN, value }))
        .filter((s) => s.ts >= from && s.ts <= to),
  };
}

describe('replay', () => {
  it('occupancy lights with a 5-minute vacancy delay, against hand-computed expectations', async () => {
    const rule = Rule.parse({
      id: 'occ-light',
      name: 'Office light by occupancy',
      mode: { type: 'restart' },
      triggers: [{ type: 'state', entityId: 'occ', to: true }],
      actions: [
        { type: 'command', entityId: 'light', command: { type: 'turn_on' } },
        {
          type: 'wait_for_trigger',
          trigger: { type: 'state', entityId: 'occ', to: false, forS: 300 },
          timeoutS: 7200,
        },
        { type: 'command', entityId: 'light', command: { type: 'turn_off' } },
      ],
    });
    const history = historyOf({
      occ: [
        [-10, 0],
        [10, 1],
        [20, 0],
        [23, 1],
        [40, 0],
        [70, 1],
      ],
    });
    const r = await replayRule({
      rule,
      from: MONDAY,
      to: MONDAY + 80 * MIN,
      site: FRANKFURT,
      history,
      entities,
      scenes: [],
    });
    // By hand: on at 10; vacant at 20 but occupied again at 23 (under 5 min), and the new trigger
    // restarts the run (on again at 23); vacant at 40 and still at 45 -> off at 45; on at 70.
    expect(r.commands.map((c) => [(c.at - MONDAY) / MIN, c.command.type])).toEqual([
      [10, 'turn_on'],
      [23, 'turn_on'],
      [45, 'turn_off'],
      [70, 'turn_on'],
    ]);
    expect(r.traces.map((t) => t.result)).toEqual(['aborted', 'ran']);
    expect(r.events).toBe(5);
  });

  it('a threshold rule with hysteresis over a day of temperatures, no devices touched', async () => {
    const rule = Rule.parse({
      id: 'too-warm',
      name: 'Warn when too warm',
      triggers: [{ type: 'threshold', entityId: 'temp', above: 26, hysteresis: 1 }],
      conditions: [{ type: 'time', after: '08:00', before: '18:00' }],
      actions: [{ type: 'notify', message: 'Office too warm', level: 'warning' }],
    });
    // Minutes after Monday 00:00 Berlin. 07:00 crossing (outside hours: conditions false);
    // 08:00 25.2 and 09:00 25.5 stay inside the hysteresis band (re-arm needs <= 25), so 10:00 26.5 is no new crossing;
    // 11:00 24.9 re-arms; 12:00 27 fires; 19:00 crossing again is after hours.
    const history = historyOf({
      temp: [
        [-5, 22],
        [420, 26.5],
        [480, 25.2],
        [540, 25.5],
        [600, 26.5],
        [660, 24.9],
        [720, 27],
        [1080, 24],
        [1140, 27],
      ],
    });
    const r = await replayRule({
      rule,
      from: MONDAY,
      to: MONDAY + 24 * 60 * MIN,
      site: FRANKFURT,
      history,
      entities,
      scenes: [],
    });
    expect(r.notifications.map((n) => (n.at - MONDAY) / MIN)).toEqual([720]);
    expect(r.traces.map((t) => [(t.startedAt - MONDAY) / MIN, t.result])).toEqual([
      [420, 'conditions_false'],
      [720, 'ran'],
      [1140, 'conditions_false'],
    ]);
    expect(r.commands).toEqual([]);
  });
});
