import { describe, expect, it } from 'vitest';
import { entitiesFromExposes, type ExposeLike } from '../../../adapters/zigbee/entities.ts';
import { ZigbeeAdapterConfig } from '../../../adapters/zigbee/manifest.ts';

const light: ExposeLike = {
  type: 'light',
  features: [
    { type: 'binary', name: 'state', property: 'state', access: 7, value_on: 'ON' },
    { type: 'numeric', name: 'brightness', property: 'brightness', access: 7, value_min: 0, value_max: 254 },
  ],
};
const climate: ExposeLike = {
  type: 'climate',
  features: [
    {
      type: 'numeric',
      name: 'occupied_heating_setpoint',
      property: 'occupied_heating_setpoint',
      access: 7,
      unit: '°C',
      value_min: 4,
      value_max: 35,
      value_step: 0.5,
    },
    { type: 'numeric', name: 'local_temperature', property: 'local_temperature', access: 5 },
    { type: 'enum', name: 'system_mode', property: 'system_mode', access: 7, values: ['off', 'heat'] },
  ],
};

describe('exposes -> entities', () => {
  it('maps measurements with units, and skips settings, diagnostics and link quality', () => {
    const es = entitiesFromExposes([
      { type: 'numeric', name: 'temperature', property: 'temperature', access: 5, unit: '°C' },
      { type: 'numeric', name: 'battery', property: 'battery', access: 1, unit: '%' },
      { type: 'numeric', name: 'linkquality', property: 'linkquality', access: 1, unit: 'lqi' },
      { type: 'numeric', name: 'calibration', property: 'calibration', access: 7 },
      { type: 'binary', name: 'child_lock', property: 'child_lock', access: 7, category: 'config' },
      { type: 'binary', name: 'contact', property: 'contact', access: 1, value_on: false },
    ]);
    expect(es.map((e) => [e.announcement.key, e.announcement.kind, e.announcement.unit])).toEqual([
      ['temperature', 'sensor', '°C'],
      ['battery', 'battery', '%'],
      ['contact', 'binary_sensor', null],
    ]);
    // converters say contact=false when the magnet is away: the entity follows value_on
    expect(es[2]!.read({ contact: false })).toBe(true);
    expect(es[0]!.read({ humidity: 40 })).toBeUndefined();
  });

  it('a dimmable light reads 0-254 brightness as 0-100 level and writes back', () => {
    const [l] = entitiesFromExposes([light]);
    expect(l!.announcement).toMatchObject({ kind: 'light', attributes: { dimmable: true }, writable: true });
    expect(l!.read({ state: 'ON', brightness: 127 })).toEqual({ on: true, level: 50 });
    expect(l!.write({ type: 'set_level', level: 100 })).toEqual({ brightness: 254 });
    expect(l!.write({ type: 'set_level', level: 0 })).toEqual({ state: 'OFF' });
    expect(l!.write({ type: 'turn_on' })).toEqual({ state: 'ON' });
    expect(l!.write({ type: 'set_setpoint', value: 20 })).toBeNull();
  });

  it('a thermostat carries setpoint, current temperature and mode', () => {
    const [c] = entitiesFromExposes([climate]);
    expect(c!.announcement.attributes).toEqual({ min: 4, max: 35, step: 0.5, modes: ['off', 'heat'] });
    expect(c!.read({ occupied_heating_setpoint: 21, local_temperature: 19.5, system_mode: 'heat' })).toEqual({
      setpoint: 21,
      current: 19.5,
      mode: 'heat',
    });
    expect(c!.write({ type: 'set_mode', mode: 'off' })).toEqual({ system_mode: 'off' });
  });

  it('endpoint-specific exposes get distinct keys', () => {
    const es = entitiesFromExposes([
      {
        type: 'switch',
        endpoint: 'l1',
        features: [{ type: 'binary', name: 'state', property: 'state_l1', access: 7 }],
      },
      {
        type: 'switch',
        endpoint: 'l2',
        features: [{ type: 'binary', name: 'state', property: 'state_l2', access: 7 }],
      },
    ]);
    expect(es.map((e) => e.announcement.key)).toEqual(['state_l1', 'state_l2']);
  });
});

describe('config', () => {
  it('takes serial paths and tcp://host:port, refuses junk', () => {
    expect(ZigbeeAdapterConfig.parse({ port: '/dev/ttyUSB0' })).toMatchObject({
      adapterType: 'zstack',
      channel: 15,
    });
    expect(
      ZigbeeAdapterConfig.parse({ port: 'tcp://192.168.1.5:6638', adapterType: 'ember' }).adapterType,
    ).toBe('ember');
    expect(() => ZigbeeAdapterConfig.parse({ port: 'tcp://host' })).toThrow();
    expect(() => ZigbeeAdapterConfig.parse({ port: '/dev/ttyUSB0', channel: 27 })).toThrow();
    expect(() => ZigbeeAdapterConfig.parse({ port: '/dev/ttyUSB0', serialPort: 'x' })).toThrow();
  });
});
