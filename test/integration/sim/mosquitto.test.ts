import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync } from 'mqtt';
import { createVirtualBuilding } from '../../../adapters/sim/index.ts';
import type { VirtualBuilding } from '../../../adapters/sim/index.ts';
import type { Logger } from '../../../shared/adapter/contract.ts';
import { Observer, credentialsFor, startMosquitto, topicMatches } from './helpers.ts';
import type { Mosquitto } from './helpers.ts';

const START = Date.UTC(2026, 0, 12, 9); // Monday 10:00 local
const t0 = Date.now();
const clock = () => START + (Date.now() - t0);

const warnings: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
const recordingLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, msg }),
  error: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, msg }),
  child: () => recordingLog,
};

describe('virtual building on Debian mosquitto (password file, ACL, no anonymous)', () => {
  let broker: Mosquitto;
  let vb: VirtualBuilding;
  let obs: Observer;

  beforeAll(async () => {
    vb = createVirtualBuilding({ seed: 2, now: clock, tickMs: 250, log: recordingLog });
    broker = await startMosquitto(vb.devices());
    obs = await Observer.connect(broker.url, 'observer', ['homeassistant/#', 'truss-sim/#']);
  });

  afterAll(async () => {
    await vb?.stop();
    await obs?.close();
    await broker?.stop();
  });

  it('refuses anonymous clients and wrong passwords with a clear error', async () => {
    await expect(connectAsync(broker.url, { clientId: 'anon', reconnectPeriod: 0 }, false)).rejects.toThrow();
    const bad = createVirtualBuilding({ seed: 2, now: clock });
    const creds = credentialsFor(bad.devices());
    creds['sim-office-plug-1'] = { username: 'sim-office-plug-1', password: 'wrong' };
    await expect(bad.connect({ url: broker.url, credentials: creds })).rejects.toThrow(/sim-office-plug-1/);
    await bad.stop();
  });

  it('every device connects, publishes retained discovery, online availability and its state', async () => {
    await vb.connect({ url: broker.url, credentials: credentialsFor(vb.devices()) });
    for (const spec of vb.devices()) {
      await obs.waitFor(
        (m) => m.topic === `truss-sim/${spec.nodeId}/availability` && m.payload === 'online',
        `${spec.nodeId} online`,
      );
      const configs = [...obs.latest.entries()].filter(([t]) =>
        topicMatches(`homeassistant/+/${spec.nodeId}/+/config`, t),
      );
      expect(configs.length, spec.nodeId).toBeGreaterThan(0);
      // every state topic the discovery names has a value on the broker
      for (const [, payload] of configs) {
        const config = JSON.parse(payload) as Record<string, unknown>;
        const stateTopics = ['stat_t', 'mode_stat_t', 'temp_stat_t', 'curr_temp_t', 'act_t']
          .map((k) => config[k])
          .filter((t): t is string => typeof t === 'string');
        expect(stateTopics.length).toBeGreaterThan(0);
        for (const t of stateTopics) {
          expect(t.startsWith(`truss-sim/${spec.nodeId}/`)).toBe(true);
          await obs.waitFor((m) => m.topic === t, `state on ${t}`);
        }
      }
    }
    const plugConfig = JSON.parse(obs.latest.get('homeassistant/switch/sim-office-plug-1/relay/config')!);
    expect(plugConfig).toMatchObject({
      uniq_id: 'sim-office-plug-1_relay',
      cmd_t: 'truss-sim/sim-office-plug-1/relay/set',
      stat_t: 'truss-sim/sim-office-plug-1/relay',
      avty_t: 'truss-sim/sim-office-plug-1/availability',
      dev: { ids: ['sim-office-plug-1'], mf: 'Truss Sim', mdl: 'TS-PL1', name: 'Office workstations' },
    });
    const energy = JSON.parse(obs.latest.get('homeassistant/sensor/sim-office-plug-1/energy/config')!);
    expect(energy).toMatchObject({ dev_cla: 'energy', unit_of_meas: 'kWh', stat_cla: 'total_increasing' });
    const climate = JSON.parse(
      obs.latest.get('homeassistant/climate/sim-office-thermostat/thermostat/config')!,
    );
    expect(climate.modes).toEqual(['off', 'heat']);
    const sensorConfigs = [...obs.latest.keys()].filter((t) =>
      topicMatches('homeassistant/+/sim-office-sensor/+/config', t),
    );
    expect(sensorConfigs.sort()).toEqual([
      'homeassistant/binary_sensor/sim-office-sensor/occupancy/config',
      'homeassistant/sensor/sim-office-sensor/co2/config',
      'homeassistant/sensor/sim-office-sensor/humidity/config',
      'homeassistant/sensor/sim-office-sensor/illuminance/config',
      'homeassistant/sensor/sim-office-sensor/temperature/config',
    ]);
    // discovery and availability are retained: a late subscriber gets them
    const late = await Observer.connect(broker.url, 'late', [
      'homeassistant/+/sim-main-meter/+/config',
      'truss-sim/sim-main-meter/#',
    ]);
    await late.waitFor(
      (m) => m.retain && m.topic.endsWith('/import_energy/config'),
      'retained meter discovery',
    );
    await late.waitFor(
      (m) => m.retain && m.topic === 'truss-sim/sim-main-meter/availability' && m.payload === 'online',
      'retained online',
    );
    await late.close();
    // state matches model truth
    const temp = Number(obs.latest.get('truss-sim/sim-office-sensor/temperature'));
    expect(Math.abs(temp - vb.snapshot().zones.office!.temperature)).toBeLessThan(0.3);
  });

  it('a plug command changes the model; the relay, its power and the meter come back promptly', async () => {
    const before = vb.snapshot();
    expect(before.plugs['plant-plug-1']!.on).toBe(true);
    const from = obs.messages.length;
    const sent = Date.now();
    await obs.client.publishAsync('truss-sim/sim-plant-plug-1/relay/set', 'OFF', { qos: 1 });
    await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-plant-plug-1/relay' && m.payload === 'OFF',
      'relay OFF',
      from,
    );
    await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-plant-plug-1/power' && m.payload === '0.0',
      'power 0',
      from,
    );
    const meter = await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-main-meter/import_power',
      'meter',
      from,
    );
    expect(Date.now() - sent).toBeLessThan(1000); // same tick, not the next heartbeat
    const after = vb.snapshot();
    expect(after.plugs['plant-plug-1']!.powerW).toBe(0);
    expect(Number(meter.payload)).toBeCloseTo(after.meter.importPowerW, 0);
    await obs.client.publishAsync('truss-sim/sim-plant-plug-1/relay/set', 'ON', { qos: 1 });
    await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-plant-plug-1/relay' && m.payload === 'ON',
      'relay ON',
      from,
    );
  });

  it('setpoint up turns heating on and the reported temperature rises over model time', async () => {
    const from = obs.messages.length;
    await obs.client.publishAsync('truss-sim/sim-meeting-thermostat/thermostat/mode/set', 'heat', { qos: 1 });
    await obs.client.publishAsync('truss-sim/sim-meeting-thermostat/thermostat/setpoint/set', '26', {
      qos: 1,
    });
    await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-meeting-thermostat/thermostat/setpoint' && m.payload === '26.0',
      'setpoint',
      from,
    );
    // the action may already have been 'heating' before the command, so read the latest retained value
    expect(obs.latest.get('truss-sim/sim-meeting-thermostat/thermostat/action')).toBe('heating');
    const startTemp = vb.snapshot().zones.meeting!.temperature;
    const mark = obs.messages.length;
    vb.step(2 * 3_600_000);
    const warm = await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-meeting-thermostat/thermostat/current',
      'current temp',
      mark,
    );
    expect(Number(warm.payload)).toBeGreaterThan(startTemp + 1);
    expect(vb.snapshot().zones.meeting!.thermostat!.setpoint).toBe(26);
  });

  it('malformed commands change nothing, crash nothing, and the true state is echoed', async () => {
    const before = vb.snapshot();
    const from = obs.messages.length;
    await obs.client.publishAsync('truss-sim/sim-office-thermostat/thermostat/mode/set', 'cool', { qos: 1 });
    await obs.client.publishAsync('truss-sim/sim-office-thermostat/thermostat/setpoint/set', '1e9', {
      qos: 1,
    });
    await obs.client.publishAsync('truss-sim/sim-office-light/light/set', '{"state":', { qos: 1 });
    await obs.client.publishAsync('truss-sim/sim-office-light/light/set', Buffer.alloc(64 * 1024, 0xff), {
      qos: 1,
    });
    await obs.client.publishAsync('truss-sim/sim-office-plug-1/relay/set', 'MAYBE', { qos: 1 });
    await obs.client.publishAsync('truss-sim/sim-office-plug-1/nonsense/set', 'ON', { qos: 1 });
    await obs.waitFor(
      (m) =>
        m.topic === 'truss-sim/sim-office-thermostat/thermostat/mode' &&
        m.payload === before.zones.office!.thermostat!.mode,
      'mode echo',
      from,
    );
    await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-office-plug-1/relay' && m.payload === 'ON',
      'relay echo',
      from,
    );
    const after = vb.snapshot();
    expect(after.zones.office!.thermostat).toMatchObject({
      mode: before.zones.office!.thermostat!.mode,
      setpoint: before.zones.office!.thermostat!.setpoint,
    });
    expect(after.lights.office).toMatchObject({
      on: before.lights.office!.on,
      brightness: before.lights.office!.brightness,
    });
    expect(after.plugs['office-plug-1']!.on).toBe(true);
    const rejected = warnings.filter((w) => w.msg === 'command rejected').map((w) => w.obj.topic);
    expect(rejected).toEqual(
      expect.arrayContaining([
        'truss-sim/sim-office-thermostat/thermostat/mode/set',
        'truss-sim/sim-office-thermostat/thermostat/setpoint/set',
        'truss-sim/sim-office-light/light/set',
        'truss-sim/sim-office-plug-1/relay/set',
      ]),
    );
    expect(warnings.some((w) => w.msg === 'command on an unknown topic ignored')).toBe(true);
    // and a good command still works afterwards
    await obs.client.publishAsync('truss-sim/sim-office-light/light/set', '{"state":"ON","brightness":128}', {
      qos: 1,
    });
    const light = await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-office-light/light' && JSON.parse(m.payload).state === 'ON',
      'light on',
      from,
    );
    expect(JSON.parse(light.payload)).toMatchObject({ state: 'ON', brightness: 128 });
    expect(vb.snapshot().lights.office!.powerW).toBeGreaterThan(0);
  });

  it('a device publishing outside its ACL is not relayed', async () => {
    const creds = credentialsFor(vb.devices())['sim-office-plug-1']!;
    const rogue = await connectAsync(
      broker.url,
      { ...creds, clientId: 'rogue-plug', reconnectPeriod: 0 },
      false,
    );
    const from = obs.messages.length;
    await rogue.publishAsync('truss-sim/sim-office-plug-2/relay/set', 'OFF', { qos: 1 });
    await rogue.publishAsync('homeassistant/switch/sim-office-plug-2/relay/config', '{"name":"pwned"}', {
      qos: 1,
    });
    await rogue.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await rogue.publishAsync('truss-sim/sim-office-plug-1/probe', 'end', { qos: 1 });
    await obs.waitFor((m) => m.topic === 'truss-sim/sim-office-plug-1/probe', 'allowed probe', from);
    const leaked = obs.messages
      .slice(from)
      .filter(
        (m) =>
          m.topic !== 'truss-sim/sim-office-plug-1/probe' &&
          ((m.topic.includes('sim-office-plug-2/relay') && m.payload === 'OFF') ||
            m.payload.includes('pwned') ||
            m.topic === 'homeassistant/status'),
      );
    expect(leaked).toEqual([]);
    expect(vb.snapshot().plugs['office-plug-2']!.on).toBe(true);
    await rogue.endAsync();
  });

  it('dropDevice yields the retained offline availability through the LWT', async () => {
    const from = obs.messages.length;
    vb.dropDevice('sim-kitchen-light');
    await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-kitchen-light/availability' && m.payload === 'offline',
      'LWT',
      from,
    );
    const late = await Observer.connect(broker.url, 'late-2', ['truss-sim/sim-kitchen-light/availability']);
    const retained = await late.waitFor(
      (m) => m.topic === 'truss-sim/sim-kitchen-light/availability',
      'retained',
    );
    expect(retained).toMatchObject({ payload: 'offline', retain: true });
    await late.close();
    // the rest of the building keeps running
    const mark = obs.messages.length;
    vb.step(60_000);
    await obs.waitFor(
      (m) => m.topic === 'truss-sim/sim-main-meter/import_energy',
      'meter still publishing',
      mark,
    );
  });

  it('sensors do not flood: values inside their deadband are not re-sent on every tick', async () => {
    const mark = obs.messages.length;
    await new Promise((r) => setTimeout(r, 2000));
    const perTopic = new Map<string, number>();
    for (const m of obs.messages.slice(mark)) perTopic.set(m.topic, (perTopic.get(m.topic) ?? 0) + 1);
    // 8 ticks of 250 ms in 2 s: a temperature must not be re-sent on every tick
    expect(perTopic.get('truss-sim/sim-office-sensor/temperature') ?? 0).toBeLessThanOrEqual(2);
  });

  it('a clean stop publishes offline for every device and disconnects', async () => {
    const from = obs.messages.length;
    await vb.stop();
    for (const spec of vb.devices()) {
      if (spec.nodeId === 'sim-kitchen-light') continue;
      await obs.waitFor(
        (m) => m.topic === `truss-sim/${spec.nodeId}/availability` && m.payload === 'offline',
        `${spec.nodeId} offline`,
        from,
      );
    }
  });

  it('re-publishes discovery when HA announces homeassistant/status online', async () => {
    const vb2 = createVirtualBuilding({ seed: 9, now: clock });
    await vb2.connect({ url: broker.url, credentials: credentialsFor(vb2.devices()) });
    const from = obs.messages.length;
    await obs.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await obs.waitFor(
      (m) => m.topic === 'homeassistant/light/sim-office-light/light/config',
      'rediscovery',
      from,
    );
    await vb2.stop();
  });
});

describe('virtual building across a broker restart', () => {
  it('devices reconnect on their own and announce discovery and availability again', async () => {
    const vb = createVirtualBuilding({ seed: 5, now: clock, tickMs: 250 });
    let broker = await startMosquitto(vb.devices());
    try {
      await vb.connect({ url: broker.url, credentials: credentialsFor(vb.devices()) });
      const port = broker.port;
      await broker.stop();
      // a fresh broker with no retained state, on the same port
      broker = await startMosquitto(vb.devices(), port);
      const obs = await Observer.connect(broker.url, 'observer-2', ['homeassistant/#', 'truss-sim/#']);
      try {
        for (const spec of vb.devices()) {
          await obs.waitFor(
            (m) => m.topic === `truss-sim/${spec.nodeId}/availability` && m.payload === 'online',
            `${spec.nodeId} back online`,
            0,
            20_000,
          );
        }
        await obs.waitFor(
          (m) => m.topic === 'homeassistant/climate/sim-office-thermostat/thermostat/config',
          'discovery again',
        );
        const from = obs.messages.length;
        await obs.client.publishAsync('truss-sim/sim-office-plug-2/relay/set', 'OFF', { qos: 1 });
        await obs.waitFor(
          (m) => m.topic === 'truss-sim/sim-office-plug-2/relay' && m.payload === 'OFF',
          'cmd',
          from,
        );
      } finally {
        await obs.close();
      }
    } finally {
      await vb.stop();
      await broker.stop();
    }
  });
});
