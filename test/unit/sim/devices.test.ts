import { describe, expect, it } from 'vitest';
import { CommandError } from '../../../adapters/sim/building/model.ts';
import {
  parseLightCommand,
  parseMode,
  parseOnOff,
  parseTemperature,
} from '../../../adapters/sim/mqtt/commands.ts';
import { createVirtualBuilding } from '../../../adapters/sim/index.ts';

describe('sim device specs', () => {
  const vb = createVirtualBuilding({ seed: 1, now: () => Date.UTC(2026, 0, 12, 9) });

  it('lists every device before connecting, with the per-device ACL of the topic convention', () => {
    const specs = vb.devices();
    const ids = specs.map((d) => d.nodeId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      'sim-office-plug-1',
      'sim-office-thermostat',
      'sim-office-light',
      'sim-office-sensor',
      'sim-main-meter',
      'sim-pv-inverter',
    ]) {
      expect(ids).toContain(id);
    }
    const plug = specs.find((d) => d.nodeId === 'sim-office-plug-1')!;
    expect(plug.acl).toEqual({
      publish: ['homeassistant/+/sim-office-plug-1/+/config', 'truss-sim/sim-office-plug-1/#'],
      subscribe: ['truss-sim/sim-office-plug-1/#', 'homeassistant/status'],
    });
    expect(specs.length).toBeGreaterThanOrEqual(15);
  });

  it('rejects bad options and unknown devices clearly', () => {
    expect(() => createVirtualBuilding({ tickMs: 0 })).toThrow(/tickMs/);
    expect(() => createVirtualBuilding({ site: { lat: 120, lon: 0 } })).toThrow(/lat/);
    expect(() => vb.dropDevice('sim-nope')).toThrow(/unknown sim device/);
  });

  it('refuses to connect without credentials for every device', async () => {
    await expect(vb.connect({ url: 'mqtt://127.0.0.1:1', credentials: {} })).rejects.toThrow(
      /no broker credentials for: sim-/,
    );
  });

  it('step advances the model truth deterministically', () => {
    const a = createVirtualBuilding({ seed: 3, now: () => Date.UTC(2026, 0, 12, 9) });
    const b = createVirtualBuilding({ seed: 3, now: () => Date.UTC(2026, 0, 12, 9) });
    a.step(3_600_000);
    b.step(3_600_000);
    expect(a.snapshot()).toEqual(b.snapshot());
    expect(a.snapshot().timeMs).toBe(Date.UTC(2026, 0, 12, 10));
  });
});

describe('command payload parsing (hostile input)', () => {
  it('switch accepts exactly ON/OFF', () => {
    expect(parseOnOff('ON')).toBe(true);
    expect(parseOnOff('OFF')).toBe(false);
    for (const bad of ['on', '', '1', '{"state":"ON"}', 'ON\n', 'x'.repeat(10_000)]) {
      expect(() => parseOnOff(bad)).toThrow(CommandError);
    }
  });

  it('light takes a JSON object with state and/or brightness 0-255', () => {
    expect(parseLightCommand('{"state":"ON","brightness":128}')).toEqual({ on: true, brightness: 128 });
    expect(parseLightCommand('{"state":"OFF"}')).toEqual({ on: false });
    for (const bad of [
      'not json',
      '[]',
      'null',
      '42',
      '{}',
      '{"state":"DIM"}',
      '{"brightness":-1}',
      '{"brightness":256}',
      '{"brightness":"128"}',
      '{"brightness":1e999}',
      '{"__proto__":{"state":"ON"}}',
    ]) {
      expect(() => parseLightCommand(bad), bad).toThrow(CommandError);
    }
  });

  it('thermostat mode and setpoint are strict', () => {
    expect(parseMode('heat')).toBe('heat');
    expect(parseMode('off')).toBe('off');
    expect(() => parseMode('cool')).toThrow(CommandError);
    expect(parseTemperature('21.5')).toBe(21.5);
    expect(parseTemperature(' 22 ')).toBe(22);
    for (const bad of ['', 'abc', 'NaN', 'Infinity', '1e3', '0x10', '21,5']) {
      expect(() => parseTemperature(bad), bad).toThrow(CommandError);
    }
  });
});
