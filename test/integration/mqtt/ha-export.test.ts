import { afterEach, describe, expect, it } from 'vitest';
import { createHaExport } from '../../../main/core/broker/ha-export.ts';
import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { Entity } from '../../../shared/domain/entity.ts';
import { recordingLogger, sleep, waitFor } from '../broker/helpers.ts';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
afterEach(() => h.stop());

const entity = (over: Partial<Entity>): Entity => ({
  id: 'ent-1',
  deviceId: 'dev-1',
  key: 'k',
  name: 'Entity',
  kind: 'sensor',
  deviceClass: null,
  unit: null,
  writable: false,
  attributes: {},
  createdAt: 0,
  ...over,
});

describe('Truss entities as Home Assistant MQTT discovery (outward interop)', () => {
  it('a tool with its own credential reads configs and states and commands through its ACL; Truss does not re-import its export', async () => {
    h = await startHarness();
    const lamp = entity({
      id: 'ent-lamp',
      name: 'Desk lamp',
      kind: 'light',
      writable: true,
      attributes: { dimmable: true },
    });
    const temp = entity({
      id: 'ent-temp',
      name: 'Office temperature',
      deviceClass: 'temperature',
      unit: '°C',
    });
    const plug = entity({ id: 'ent-plug', name: 'Printer', kind: 'switch', writable: true });
    const executed: Array<[string, EntityCommand]> = [];
    const exporter = createHaExport({
      bus: h.broker.bus,
      prefix: 'homeassistant',
      root: 'truss',
      log: recordingLogger(h.lines),
      entities: () => [lamp, temp, plug],
      device: () => ({ id: 'dev-1', name: 'Office', manufacturer: 'Acme', model: 'X' }) as never,
      state: (id) =>
        id === 'ent-temp' ? { value: 21.5, ts: 1, source: 'mqtt', quality: 'good' } : undefined,
      execute: async (id, cmd) => void executed.push([id, cmd]),
    });
    await exporter.start();
    await exporter.stateChanged('ent-lamp', {
      value: { on: true, level: 40 },
      ts: 2,
      source: 'x',
      quality: 'good',
    });

    // a dashboard allowed to read everything Truss exports and to command only the lamp
    const tool = await h.device(
      'dashboard',
      {},
      { publish: ['truss/ent-lamp/set', 'truss/ent-lamp/level'], subscribe: ['homeassistant/#', 'truss/#'] },
    );
    const got = new Map<string, string>();
    tool.on('message', (t, p) => got.set(t, p.toString()));
    await tool.subscribeAsync(['homeassistant/#', 'truss/#'], { qos: 1 });
    await waitFor(() => got.size >= 6, 3000, 'retained export');
    const lampCfg = JSON.parse(got.get('homeassistant/light/truss/ent-lamp/config')!) as Record<
      string,
      unknown
    >;
    expect(lampCfg).toMatchObject({
      name: 'Desk lamp',
      unique_id: 'truss_ent-lamp',
      command_topic: 'truss/ent-lamp/set',
      brightness_command_topic: 'truss/ent-lamp/level',
      brightness_scale: 100,
      availability_topic: 'truss/status',
    });
    expect(JSON.parse(got.get('homeassistant/sensor/truss/ent-temp/config')!)).toMatchObject({
      device_class: 'temperature',
      unit_of_measurement: '°C',
    });
    expect(got.get('truss/ent-temp/state')).toBe('21.5');
    expect(got.get('truss/ent-lamp/state')).toBe('ON');
    expect(got.get('truss/ent-lamp/brightness')).toBe('40');
    expect(got.get('truss/status')).toBe('online');

    await tool.publishAsync('truss/ent-lamp/level', '75', { qos: 1 });
    await tool.publishAsync('truss/ent-lamp/set', 'OFF', { qos: 1 });
    // not in its ACL: the broker drops it before Truss sees it
    await tool.publishAsync('truss/ent-plug/set', 'ON', { qos: 1 });
    await waitFor(() => executed.length === 2, 3000, 'commands');
    await sleep(100);
    expect(executed).toEqual([
      ['ent-lamp', { type: 'set_level', level: 75 }],
      ['ent-lamp', { type: 'turn_off' }],
    ]);
    expect(h.lines.some((l) => l.msg === 'publish denied' && l.obj.clientId === 'dashboard')).toBe(true);
    // the MQTT adapter on the same broker saw the configs and ignored them
    expect(h.sink.announced).toEqual([]);
    await exporter.stop();
  });
});
