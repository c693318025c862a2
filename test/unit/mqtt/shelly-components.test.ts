import { describe, expect, it } from 'vitest';
import {
  COMPONENT,
  componentEntities,
  componentValues,
  KNOWN_TYPES,
} from '../../../adapters/mqtt/shelly/components.ts';

/**
 * Status objects as https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/<Component>#status
 * documents them.
 */
describe('Shelly component statuses', () => {
  it('Switch (Switch.GetStatus example): output, power, voltage, current, pf, frequency, energy Wh -> kWh, temperature', () => {
    const s = {
      id: 0,
      source: 'init',
      output: false,
      apower: 0,
      voltage: 233.1,
      current: 0,
      freq: 50,
      pf: 0,
      aenergy: { total: 1207.563, by_minute: [0, 0, 0], minute_ts: 1654511400 },
      ret_aenergy: { total: 3.5, by_minute: [0, 0, 0], minute_ts: 1654511400 },
      temperature: { tC: 42.2, tF: 108 },
    };
    expect(componentEntities('switch:0', 'switch', s).map((e) => `${e.key}|${e.unit}`)).toEqual([
      'switch:0|null',
      'switch:0/power|W',
      'switch:0/voltage|V',
      'switch:0/current|A',
      'switch:0/pf|null',
      'switch:0/frequency|Hz',
      'switch:0/energy|kWh',
      'switch:0/ret_energy|kWh',
      'switch:0/temperature|°C',
    ]);
    expect(Object.fromEntries(componentValues('switch:0', 'switch', s))).toEqual({
      'switch:0': false,
      'switch:0/power': 0,
      'switch:0/voltage': 233.1,
      'switch:0/current': 0,
      'switch:0/pf': 0,
      'switch:0/frequency': 50,
      'switch:0/energy': 1.207563,
      'switch:0/ret_energy': 0.0035,
      'switch:0/temperature': 42.2,
    });
  });

  it('a partial status announces only what it carries; null readings give an entity without a value', () => {
    expect(componentEntities('switch:1', 'switch', { id: 1, output: true }).map((e) => e.key)).toEqual([
      'switch:1',
    ]);
    const cover = { id: 0, state: 'calibrating', current_pos: null };
    expect(componentEntities('cover:0', 'cover', cover).map((e) => e.key)).toEqual([
      'cover:0',
      'cover:0/state',
    ]);
    expect(componentValues('cover:0', 'cover', cover)).toEqual([['cover:0/state', 'calibrating']]);
    expect(componentValues('input:2', 'input', { id: 2, state: null })).toEqual([]);
    expect(componentEntities('input:2', 'input', { id: 2, state: null })[0]).toMatchObject({
      kind: 'binary_sensor',
    });
  });

  it('DevicePower, Temperature, Humidity, analog Input, Light', () => {
    expect(
      componentValues('devicepower:0', 'devicepower', {
        id: 0,
        battery: { V: 5.92, percent: 96 },
        external: { present: true },
      }),
    ).toEqual([
      ['devicepower:0/battery', 96],
      ['devicepower:0/battery_voltage', 5.92],
      ['devicepower:0/external_power', true],
    ]);
    expect(componentValues('temperature:100', 'temperature', { id: 100, tC: -3.5, tF: 25.7 })).toEqual([
      ['temperature:100/temperature', -3.5],
    ]);
    expect(componentValues('humidity:0', 'humidity', { id: 0, rh: 55 })).toEqual([
      ['humidity:0/humidity', 55],
    ]);
    expect(componentValues('input:1', 'input', { id: 1, percent: 42.5 })).toEqual([
      ['input:1/percent', 42.5],
    ]);
    expect(componentValues('light:0', 'light', { id: 0, output: true, brightness: 60 })).toEqual([
      ['light:0', { on: true, level: 60 }],
    ]);
  });

  it('hostile: names, types and prototypes', () => {
    for (const bad of ['__proto__:0', 'constructor', 'switch:1234', 'Switch:0', 'switch:-1', 'sw itch:0'])
      expect(COMPONENT.test(bad) && KNOWN_TYPES.has(COMPONENT.exec(bad)![1]!), bad).toBe(false);
    expect(KNOWN_TYPES.has('constructor')).toBe(false);
    expect(componentEntities('x:0', 'constructor', { output: true })).toEqual([]);
    const weird = JSON.parse(
      '{"__proto__":{"tC":5},"apower":"12","aenergy":{"total":"x"},"temperature":7}',
    ) as Record<string, unknown>;
    expect(componentValues('switch:0', 'switch', weird)).toEqual([]);
    expect(componentValues('temperature:0', 'temperature', weird)).toEqual([]);
  });
});
