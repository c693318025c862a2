import { describe, expect, it } from 'vitest';
import { parseTasmotaConfig } from '../../../adapters/mqtt/tasmota/tasmota.ts';
import {
  DEFAULT_UNITS,
  leafValue,
  MAX_SENSOR_ENTITIES,
  readUnits,
  sensorLeaves,
} from '../../../adapters/mqtt/tasmota/sensors.ts';

/** hatasmota/sensor.py get_sensor_entities and SENSOR_UNIT_MAP / SENSOR_DYNAMIC_UNIT_MAP */
describe('Tasmota sensor bodies (hatasmota/sensor.py)', () => {
  it('simple, nested and array sensors, in hatasmota order; Time and unit fields skipped', () => {
    // the three shapes quoted in hatasmota/sensor.py's comment
    const body = {
      Time: '2020-03-03T00:00:00+00:00',
      INA219: { Voltage: 4.494, Current: 0.02, Power: 0.089 },
      TX23: { Speed: { Act: 14.8, Avg: 8.5 }, Dir: { Card: 'WSW', Deg: 247.5 } },
      ENERGY: { TotalTariff: [0, 0.017], ImportReactive: 0.002, ExportReactive: 39.131 },
      SpeedUnit: 'km/h',
    };
    const leaves = sensorLeaves(body, readUnits(body, DEFAULT_UNITS));
    expect(leaves.map((l) => [l.key, l.announcement.unit])).toEqual([
      ['INA219.Voltage', 'V'],
      ['INA219.Current', 'A'],
      ['INA219.Power', 'W'],
      ['TX23.Speed.Act', 'km/h'],
      ['TX23.Speed.Avg', 'km/h'],
      ['TX23.Dir.Card', null],
      ['TX23.Dir.Deg', null],
      ['ENERGY.TotalTariff.0', null],
      ['ENERGY.TotalTariff.1', null],
      ['ENERGY.ImportReactive', 'kVArh'],
      ['ENERGY.ExportReactive', 'kVArh'],
    ]);
    expect(leaves[2]!.path).toEqual(['INA219', 'Power']);
    expect(leaves[3]!.path).toEqual(['TX23', 'Speed', 'Act']);
  });

  it('TempUnit / PressureUnit / SpeedUnit: known units only, the previous one kept otherwise', () => {
    const u = readUnits({ TempUnit: 'F', PressureUnit: 'mmHg', SpeedUnit: 'kn' }, DEFAULT_UNITS);
    expect(u).toEqual({ TempUnit: 'F', PressureUnit: 'mmHg', SpeedUnit: 'kn' });
    expect(readUnits({ TempUnit: 'Rankine', PressureUnit: 3 }, u)).toEqual(u);
    const [t] = sensorLeaves({ SHT3X: { DewPoint: 40 } }, u);
    expect(t!.announcement).toMatchObject({ unit: '°F', deviceClass: 'temperature' });
  });

  it('values: finite numbers and short text; null, NaN and Infinity refused', () => {
    expect(leafValue(21.5)).toEqual({ ok: true, value: 21.5 });
    expect(leafValue('WSW')).toEqual({ ok: true, value: 'WSW' });
    for (const bad of [null, 'nan', 'NaN', '-inf', 'Infinity', {}, true, 'x'.repeat(65)])
      expect(leafValue(bad).ok, JSON.stringify(bad)).toBe(false);
  });

  it('hostile bodies: bounded entity count, odd names and prototype keys ignored', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 500; i++) wide[`S${i}`] = { Temperature: i, Humidity: i };
    expect(sensorLeaves(wide, DEFAULT_UNITS)).toHaveLength(MAX_SENSOR_ENTITIES);
    const odd = JSON.parse(
      '{"__proto__":{"Temperature":1},"a/b":{"Temperature":1},"OK":{"constructor":{"x":1},"Temp#":2,"Long":[' +
        Array.from({ length: 100 }, (_, i) => i).join(',') +
        ']}}',
    ) as unknown;
    const keys = sensorLeaves(odd, DEFAULT_UNITS).map((l) => l.key);
    expect(keys.filter((k) => k.startsWith('OK.Long.'))).toHaveLength(16);
    expect(keys.some((k) => k.includes('/') || k.includes('#') || k.startsWith('__proto__'))).toBe(false);
    expect(({} as Record<string, unknown>).Temperature).toBeUndefined();
  });
});

describe('Tasmota discovery config (hatasmota/discovery.py)', () => {
  const cfg = { mac: 'A4CF121A2B3C', t: 'plug', rl: [1] };
  it('a mac that differs from the topic is refused, with both named', () => {
    expect(() => parseTasmotaConfig('A4CF121A2B3C', { ...cfg, mac: 'A4CF12000000' })).toThrow(
      'MAC mismatch: the topic says A4CF121A2B3C, the config says "A4CF12000000"',
    );
    expect(() => parseTasmotaConfig('A4CF121A2B3C', { t: 'plug', rl: [1] })).toThrow('config has no mac');
    // Tasmota prints the MAC in upper case; a lower-case topic is the same device
    expect(parseTasmotaConfig('a4cf121a2b3c', cfg).address).toBe('tasmota:A4CF121A2B3C');
  });
});
