import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../broker/helpers.ts';
import { adoptThroughWindow, publish } from './adopt.ts';
import { type Harness, startHarness } from './harness.ts';

/**
 * Shelly Gen2/Gen3 against Shelly's Gen2 API documentation:
 * - components' status objects: https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/
 *   Switch, Cover, Input, PM1, EM, EMData, EM1, EM1Data, DevicePower, Temperature, Humidity (#status);
 * - notifications: https://shelly-api-docs.shelly.cloud/gen2/General/Notifications (NotifyStatus
 *   carries only what changed, NotifyFullStatus everything);
 * - MQTT: https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Mqtt (`<prefix>/events/rpc`,
 *   and with `status_ntf` the whole status of a component on `<prefix>/status/<component>`).
 * Every device here is adopted through the commissioning window, as an installer does.
 */
let h: Harness;
afterEach(() => h.stop());

const notify = (src: string, method: string, params: Record<string, unknown>) => ({
  src,
  dst: `${src}/events`,
  method,
  params: { ts: 1716200000.12, ...params },
});

const entities = (address: string) =>
  Object.fromEntries(h.sink.lastDevice(address)!.entities.map((e) => [e.key, e]));
const last = (key: string) => h.sink.valuesOf(key).at(-1);

describe('Shelly Gen2/Gen3, every documented component', () => {
  it('Pro 3EM: em per phase power/voltage/current/apparent power/pf/frequency and emdata per phase energy (Wh -> kWh)', async () => {
    h = await startHarness({ commissioning: true });
    const id = 'shellypro3em-c8f09e8a1b2c';
    // EM.GetStatus and EMData.GetStatus examples of the docs
    const em = {
      id: 0,
      a_current: 4.029,
      a_voltage: 236.1,
      a_act_power: 951.2,
      a_aprt_power: 951.9,
      a_pf: 1,
      a_freq: 50,
      b_current: 4.027,
      b_voltage: 236.201,
      b_act_power: -951.1,
      b_aprt_power: 951.8,
      b_pf: 1,
      b_freq: 50,
      c_current: 3.03,
      c_voltage: 236.003,
      c_act_power: 715,
      c_aprt_power: 716.1,
      c_pf: 1,
      c_freq: 50,
      n_current: null,
      total_current: 11.086,
      total_act_power: 715.113,
      total_aprt_power: 2619.848,
      user_calibrated_phase: [],
    };
    const emdata = {
      id: 0,
      a_total_act_energy: 3110.11,
      a_total_act_ret_energy: 0,
      b_total_act_energy: 0.52,
      b_total_act_ret_energy: 2813.32,
      c_total_act_energy: 2261.63,
      c_total_act_ret_energy: 0,
      total_act: 5372.26,
      total_act_ret: 2813.32,
    };
    const { address } = await adoptThroughWindow(h, id, async (fresh) => {
      await publish(
        fresh,
        `${id}/events/rpc`,
        notify(id, 'NotifyFullStatus', {
          sys: { mac: 'C8F09E8A1B2C', fw_id: '20241011-114455/1.4.4-g6d2a586' },
          'em:0': em,
          'emdata:0': emdata,
        }),
      );
    });
    const e = entities(address);
    for (const p of ['a', 'b', 'c']) {
      expect(e[`em:0/${p}_power`]).toMatchObject({ unit: 'W', deviceClass: 'power' });
      expect(e[`em:0/${p}_voltage`]).toMatchObject({ unit: 'V', deviceClass: 'voltage' });
      expect(e[`em:0/${p}_current`]).toMatchObject({ unit: 'A', deviceClass: 'current' });
      expect(e[`em:0/${p}_apparent_power`]).toMatchObject({ unit: 'VA' });
      expect(e[`em:0/${p}_pf`]).toMatchObject({ deviceClass: 'power_factor' });
      expect(e[`em:0/${p}_frequency`]).toMatchObject({ unit: 'Hz' });
      expect(e[`emdata:0/${p}_total_act_energy`]).toMatchObject({ unit: 'kWh', deviceClass: 'energy' });
      expect(e[`emdata:0/${p}_total_act_ret_energy`]).toMatchObject({ unit: 'kWh' });
    }
    // n_current is null on a meter without a neutral CT: the entity exists, no value is made up
    expect(e['em:0/n_current']).toBeDefined();
    expect(h.sink.valuesOf('em:0/n_current')).toEqual([]);
    expect(last('em:0/power')).toBe(715.113);
    expect(last('em:0/b_power')).toBe(-951.1);
    expect(last('em:0/c_voltage')).toBe(236.003);
    expect(last('emdata:0/total_act')).toBeCloseTo(5.37226, 6);
    expect(last('emdata:0/b_total_act_ret_energy')).toBeCloseTo(2.81332, 6);
    expect(h.sink.lastDevice(address)!.swVersion).toBe('20241011-114455/1.4.4-g6d2a586');
  });

  it('a device whose first frame is a NotifyStatus (no NotifyFullStatus yet) adopts with its entities; later partial frames add fields', async () => {
    h = await startHarness({ commissioning: true });
    const id = 'shellyplus1pm-a8032ab12345';
    const { device, address } = await adoptThroughWindow(h, id, async (fresh) => {
      await publish(
        fresh,
        `${id}/events/rpc`,
        notify(id, 'NotifyStatus', { 'switch:0': { id: 0, output: true, source: 'button' } }),
      );
    });
    expect(entities(address)['switch:0']).toMatchObject({ kind: 'switch', writable: true });
    expect(h.sink.valuesOf('switch:0')).toEqual([true]);
    // known only from a partial frame: once online as itself, Truss asks for the whole status
    const asked: string[] = [];
    device.on('message', (_t, p) => asked.push((JSON.parse(p.toString()) as { method: string }).method));
    await device.subscribeAsync(`${id}/rpc`, { qos: 1 });
    await publish(device, `${id}/online`, 'true');
    await waitFor(() => asked.includes('Shelly.GetStatus'), 3000, 'GetStatus');
    // as itself, more NotifyStatus frames: new fields become entities, values follow
    await publish(
      device,
      `${id}/events/rpc`,
      notify(id, 'NotifyStatus', { 'switch:0': { id: 0, apower: 1530.2, current: 6.6 } }),
    );
    await waitFor(() => last('switch:0/power') === 1530.2, 3000, 'power');
    expect(Object.keys(entities(address))).toEqual(['switch:0', 'switch:0/power', 'switch:0/current']);
    expect(last('switch:0/current')).toBe(6.6);
    // a later NotifyFullStatus is the whole truth
    await publish(
      device,
      `${id}/events/rpc`,
      notify(id, 'NotifyFullStatus', {
        'switch:0': {
          id: 0,
          output: false,
          apower: 0,
          voltage: 233.1,
          current: 0,
          aenergy: { total: 1207.563, by_minute: [0, 0, 0], minute_ts: 1654511400 },
          temperature: { tC: 42.2, tF: 108 },
        },
      }),
    );
    await waitFor(() => last('switch:0/temperature') === 42.2, 3000, 'full status');
    expect(last('switch:0/energy')).toBeCloseTo(1.207563, 6);
    expect(last('switch:0/voltage')).toBe(233.1);
  });

  it('<prefix>/status/<component> topics: H&T Gen3 (devicepower battery, temperature, humidity), input, cover, pm1, em1/em1data', async () => {
    h = await startHarness({ commissioning: true });
    const id = 'shellyhtg3-e4b063d1a2b3';
    const { device, address } = await adoptThroughWindow(h, id, async (fresh) => {
      await publish(fresh, `${id}/online`, 'true', true);
    });
    const status = (component: string, body: unknown) => publish(device, `${id}/status/${component}`, body);
    // DevicePower.GetStatus, Temperature.GetStatus, Humidity.GetStatus examples of the docs
    await status('devicepower:0', { id: 0, battery: { V: 5.92, percent: 96 }, external: { present: false } });
    await status('temperature:0', { id: 0, tC: 21.6, tF: 70.9 });
    await status('humidity:0', { id: 0, rh: 48.2 });
    await status('input:0', { id: 0, state: true });
    await status('cover:0', {
      id: 0,
      source: 'limit_switch',
      state: 'stopped',
      apower: 0,
      voltage: 236,
      current: 0.5,
      pf: 0,
      freq: 50,
      aenergy: { total: 0, by_minute: [0, 0, 0], minute_ts: 1716200000 },
      current_pos: 48,
      temperature: { tC: 40.1, tF: 104.2 },
      pos_control: true,
      last_direction: 'open',
    });
    await status('pm1:0', {
      id: 0,
      voltage: 230,
      current: 0.1,
      apower: 23.4,
      freq: 50,
      aenergy: { total: 5000 },
    });
    // em1 as the Shelly EM Gen3 reports it
    await status('em1:1', {
      id: 1,
      current: 2.598,
      voltage: 234.9,
      act_power: 501.8,
      aprt_power: 612.4,
      pf: 0.84,
      freq: 50,
      calibration: 'factory',
    });
    await status('em1data:1', { id: 1, total_act_energy: 6021.35, total_act_ret_energy: 101.5 });
    await waitFor(() => last('em1data:1/total_act_ret_energy') !== undefined, 3000, 'statuses');
    const e = entities(address);
    expect(e['devicepower:0/battery']).toMatchObject({ kind: 'battery', unit: '%' });
    expect(e['devicepower:0/external_power']).toMatchObject({ kind: 'binary_sensor' });
    expect(e['temperature:0/temperature']).toMatchObject({ unit: '°C', deviceClass: 'temperature' });
    expect(e['humidity:0/humidity']).toMatchObject({ unit: '%', deviceClass: 'humidity' });
    expect(e['input:0']).toMatchObject({ kind: 'binary_sensor' });
    expect(e['cover:0']).toMatchObject({ kind: 'cover', writable: true });
    expect(e['em1:1/apparent_power']).toMatchObject({ unit: 'VA' });
    expect({
      battery: last('devicepower:0/battery'),
      batteryV: last('devicepower:0/battery_voltage'),
      external: last('devicepower:0/external_power'),
      t: last('temperature:0/temperature'),
      rh: last('humidity:0/humidity'),
      input: last('input:0'),
      cover: last('cover:0'),
      coverState: last('cover:0/state'),
      coverCurrent: last('cover:0/current'),
      pm1: last('pm1:0/power'),
      pm1Energy: last('pm1:0/energy'),
      em1: last('em1:1/power'),
      em1V: last('em1:1/voltage'),
      em1data: last('em1data:1/total_act_energy'),
    }).toEqual({
      battery: 96,
      batteryV: 5.92,
      external: false,
      t: 21.6,
      rh: 48.2,
      input: true,
      cover: 48,
      coverState: 'stopped',
      coverCurrent: 0.5,
      pm1: 23.4,
      pm1Energy: 5,
      em1: 501.8,
      em1V: 234.9,
      em1data: 6.02135,
    });
    // a cover still opening reports its target: the position follows
    await status('cover:0', { id: 0, state: 'opening', current_pos: 60 });
    await waitFor(() => last('cover:0') === 60, 3000, 'cover position');
    expect(last('cover:0/state')).toBe('opening');
  });

  it('hostile status frames: unknown components, prototype names, wrong types and huge bodies change nothing', async () => {
    h = await startHarness({ commissioning: true });
    const id = 'shellyplusplugs-aabbccddeeff';
    const { device, address } = await adoptThroughWindow(h, id, async (fresh) => {
      await publish(
        fresh,
        `${id}/events/rpc`,
        notify(id, 'NotifyFullStatus', { 'switch:0': { id: 0, output: false } }),
      );
    });
    const before = h.sink.lastDevice(address)!.entities.map((e) => e.key);
    const states = h.sink.states.length;
    await publish(device, `${id}/status/__proto__`, { polluted: 1 });
    await publish(device, `${id}/status/constructor:0`, { tC: 1 });
    await publish(device, `${id}/status/switch:0`, {
      id: 0,
      output: 'yes',
      apower: '12',
      temperature: 'hot',
    });
    await publish(device, `${id}/status/switch:0`, 'not json');
    await publish(device, `${id}/status/switch:0`, { id: 0, apower: 1, pad: 'x'.repeat(70_000) });
    await publish(
      device,
      `${id}/events/rpc`,
      notify(id, 'NotifyStatus', JSON.parse('{"__proto__":{"output":true},"switch:99999":{"output":true}}')),
    );
    await publish(device, `${id}/status/sys`, { mac: 'AABBCCDDEEFF', restart_required: false });
    await sleep(200);
    // the wrong-typed apower is announced as present but carries no value; nothing else appeared
    expect(
      h.sink
        .lastDevice(address)!
        .entities.map((e) => e.key)
        .filter((k) => !before.includes(k)),
    ).toEqual(['switch:0/power']);
    expect(h.sink.states.length).toBe(states);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).output).toBeUndefined();
    expect(h.adapter.diagnostics().families).toMatchObject({
      shelly: { lastRejection: expect.stringContaining('payload over 64 KiB') },
    });
  });
});
