import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type mqtt from 'mqtt';
import { sleep, waitFor } from '../broker/helpers.ts';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
afterEach(() => h.stop());

async function inbox(client: mqtt.MqttClient, filter: string): Promise<string[]> {
  const got: string[] = [];
  client.on('message', (t, p) => got.push(`${t}=${p.toString()}`));
  await client.subscribeAsync(filter, { qos: 1 });
  return got;
}

const pub = (c: mqtt.MqttClient, topic: string, body: unknown, retain = false) =>
  c.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1, retain });

const TASMOTA_ACL = (t: string, mac: string) => ({
  publish: [`tasmota/discovery/${mac}/#`, `tele/${t}/#`, `stat/${t}/#`],
  subscribe: [`cmnd/${t}/#`],
});

/**
 * Discovery config as Tasmota 12.x publishes it (fields per tasmota/xdrv_12_discovery.ino, example
 * in https://tasmota.github.io/docs/Home-Assistant/ "tasmota/discovery/<MAC>/config").
 */
const tasmotaConfig = {
  ip: '192.168.1.50',
  dn: 'Kitchen plug',
  fn: ['Kettle', null, null, null, null, null, null, null],
  hn: 'tasmota-1A2B3C-2876',
  mac: 'A4CF121A2B3C',
  md: 'Sonoff Pow R2',
  ty: 0,
  if: 0,
  ofln: 'Offline',
  onln: 'Online',
  state: ['OFF', 'ON', 'TOGGLE', 'HOLD'],
  sw: '12.4.0',
  t: 'tasmota_1A2B3C',
  ft: '%prefix%/%topic%/',
  tp: ['cmnd', 'stat', 'tele'],
  rl: [1, 0, 0, 0, 0, 0, 0, 0],
  swc: [-1, -1, -1, -1, -1, -1, -1, -1],
  swn: [null, null, null, null, null, null, null, null],
  btn: [0, 0, 0, 0, 0, 0, 0, 0],
  so: { '4': 0, '11': 0, '13': 0, '17': 0, '20': 0, '30': 0, '68': 0, '73': 0, '82': 0, '114': 0, '117': 0 },
  lk: 0,
  lt_st: 0,
  sho: [0, 0, 0, 0],
  ver: 1,
};
/** tele/<t>/SENSOR of a POW, from https://tasmota.github.io/docs/Power-Monitoring-Calibration/ */
const tasmotaSensor = {
  Time: '2024-03-01T10:00:00',
  ENERGY: {
    TotalStartTime: '2024-01-01T00:00:00',
    Total: 12.345,
    Yesterday: 0.5,
    Today: 0.123,
    Period: 1,
    Power: 1850,
    ApparentPower: 1900,
    ReactivePower: 100,
    Factor: 0.97,
    Voltage: 230,
    Current: 8.04,
  },
};

describe('Tasmota', () => {
  it('discovery -> device with relay and energy sensors; POWER, RESULT, SENSOR, LWT; command round trip', async () => {
    h = await startHarness();
    const mac = 'A4CF121A2B3C';
    const t = 'tasmota_1A2B3C';
    const dev = await h.device('tasmota-plug', {}, TASMOTA_ACL(t, mac));
    const cmds = await inbox(dev, `cmnd/${t}/#`);
    await pub(dev, `tasmota/discovery/${mac}/config`, tasmotaConfig, true);
    await pub(dev, `tasmota/discovery/${mac}/sensors`, { sn: tasmotaSensor, ver: 1 }, true);
    const address = `tasmota:${mac}`;
    await waitFor(() => (h.sink.lastDevice(address)?.entities.length ?? 0) >= 6, 3000, 'announce');
    const d = h.sink.lastDevice(address)!;
    expect(d).toMatchObject({
      name: 'Kitchen plug',
      manufacturer: 'Tasmota',
      model: 'Sonoff Pow R2',
      swVersion: '12.4.0',
    });
    expect(d.entities.map((e) => e.key)).toEqual(
      expect.arrayContaining(['POWER1', 'ENERGY.Power', 'ENERGY.Today', 'ENERGY.Total', 'ENERGY.Voltage']),
    );
    expect(d.entities.find((e) => e.key === 'POWER1')).toMatchObject({
      kind: 'switch',
      name: 'Kettle',
      writable: true,
    });
    expect(d.entities.find((e) => e.key === 'ENERGY.Total')).toMatchObject({
      unit: 'kWh',
      deviceClass: 'energy',
    });

    await pub(dev, `tele/${t}/LWT`, 'Online', true);
    await pub(dev, `stat/${t}/POWER`, 'ON');
    await pub(dev, `stat/${t}/RESULT`, { POWER: 'OFF' });
    await pub(dev, `tele/${t}/SENSOR`, tasmotaSensor);
    await waitFor(() => h.sink.valuesOf('ENERGY.Power').length === 1, 3000, 'sensor');
    expect(h.sink.valuesOf('POWER1')).toEqual([true, false]);
    expect(h.sink.valuesOf('ENERGY.Total')).toEqual([12.345]);
    expect(h.sink.valuesOf('ENERGY.Today')).toEqual([0.123]);
    expect(h.sink.availability).toContainEqual({ address, online: true });

    await h.adapter.execute(address, 'POWER1', { type: 'turn_on' });
    await h.adapter.execute(address, 'POWER1', { type: 'toggle' });
    await waitFor(() => cmds.length === 2, 3000, 'commands');
    expect(cmds).toEqual([`cmnd/${t}/POWER1=ON`, `cmnd/${t}/POWER1=TOGGLE`]);
    await expect(h.adapter.execute(address, 'ENERGY.Power', { type: 'turn_on' })).rejects.toThrow(
      /read-only/,
    );
  });

  it('dimmer light: Dimmer in RESULT; set_level sends cmnd/<t>/Dimmer', async () => {
    h = await startHarness();
    const mac = 'A4CF12000001';
    const t = 'bulb1';
    const dev = await h.device('bulb1', {}, TASMOTA_ACL(t, mac));
    const cmds = await inbox(dev, `cmnd/${t}/#`);
    await pub(dev, `tasmota/discovery/${mac}/config`, {
      ...tasmotaConfig,
      mac,
      t,
      rl: [2, 0, 0, 0, 0, 0, 0, 0],
      lt_st: 1,
    });
    await waitFor(() => h.sink.lastDevice(`tasmota:${mac}`), 3000, 'announce');
    // https://tasmota.github.io/docs/Commands/#light : RESULT after "Dimmer 40"
    await pub(dev, `stat/${t}/RESULT`, { POWER: 'ON', Dimmer: 40 });
    await waitFor(() => h.sink.valuesOf('light').length === 1, 3000, 'light');
    expect(h.sink.valuesOf('light')).toEqual([{ on: true, level: 40 }]);
    await h.adapter.execute(`tasmota:${mac}`, 'light', { type: 'set_level', level: 75 });
    await waitFor(() => cmds.length === 1, 3000, 'dimmer');
    expect(cmds).toEqual([`cmnd/${t}/Dimmer=75`]);
  });

  it('spoofing: another client cannot report state for the plug, nor re-announce it', async () => {
    h = await startHarness();
    const mac = 'A4CF121A2B3C';
    const t = 'tasmota_1A2B3C';
    const dev = await h.device('tasmota-plug', {}, TASMOTA_ACL(t, mac));
    await pub(dev, `tasmota/discovery/${mac}/config`, tasmotaConfig, true);
    await waitFor(() => h.sink.lastDevice(`tasmota:${mac}`), 3000, 'announce');
    // an attacker whose ACL is (wrongly) wide open
    const evil = await h.device('evil', {}, { publish: ['#'], subscribe: [] });
    await pub(evil, `stat/${t}/POWER`, 'ON');
    await pub(evil, `tasmota/discovery/${mac}/config`, { ...tasmotaConfig, dn: 'pwned' });
    // and one with a correct ACL: the broker drops it before it reaches Truss
    const honest = await h.device('other', {}, TASMOTA_ACL('other', 'A4CF12FFFFFF'));
    await pub(honest, `stat/${t}/POWER`, 'ON');
    await sleep(200);
    expect(h.sink.valuesOf('POWER1')).toEqual([]);
    expect(h.sink.lastDevice(`tasmota:${mac}`)!.name).toBe('Kitchen plug');
    const reasons = h.lines
      .filter((l) => l.msg === 'device message rejected')
      .map((l) => String(l.obj.reason));
    expect(reasons.some((r) => r.includes('belongs to tasmota-plug'))).toBe(true);
    expect(h.lines.some((l) => l.msg === 'publish denied' && l.obj.clientId === 'other')).toBe(true);
  });
});

/** Frames from https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch (Switch.GetStatus example) */
const switchStatus = {
  id: 0,
  source: 'init',
  output: false,
  apower: 0,
  voltage: 233.1,
  current: 0,
  aenergy: { total: 1207.563, by_minute: [0, 0, 0], minute_ts: 1654511400 },
  temperature: { tC: 42.2, tF: 108 },
};

describe('Shelly Gen2 RPC', () => {
  it('NotifyFullStatus -> device; NotifyStatus updates; Switch.Set / Cover.GoToPosition round trip', async () => {
    h = await startHarness();
    const id = 'shellyplus1pm-a8032ab12345';
    const dev = await h.device(id);
    const rpc = await inbox(dev, `${id}/rpc`);
    await pub(dev, `${id}/online`, 'true', true);
    await pub(dev, `${id}/events/rpc`, {
      src: id,
      dst: `${id}/events`,
      method: 'NotifyFullStatus',
      params: {
        ts: 1654511404.51,
        sys: { mac: 'A8032AB12345', fw_id: '20230913-112003/v1.14.0-gcb84623' },
        'switch:0': switchStatus,
        'cover:1': { id: 1, state: 'stopped', current_pos: 30, source: 'init' },
      },
    });
    const address = `shelly:${id}`;
    await waitFor(() => h.sink.lastDevice(address), 3000, 'announce');
    expect(h.sink.lastDevice(address)!.entities.map((e) => `${e.key}:${e.kind}`)).toEqual([
      'switch:0:switch',
      'switch:0/power:sensor',
      'switch:0/energy:sensor',
      'cover:1:cover',
    ]);
    expect(h.sink.valuesOf('switch:0')).toEqual([false]);
    expect(h.sink.valuesOf('switch:0/energy')[0]).toBeCloseTo(1.207563, 6);
    expect(h.sink.valuesOf('cover:1')).toEqual([30]);
    // https://shelly-api-docs.shelly.cloud/gen2/General/Notifications#notifystatus
    await pub(dev, `${id}/events/rpc`, {
      src: id,
      dst: `${id}/events`,
      method: 'NotifyStatus',
      params: { ts: 1654511500, 'switch:0': { id: 0, output: true, apower: 1530.2 } },
    });
    await waitFor(() => h.sink.valuesOf('switch:0').length === 2, 3000, 'notify');
    expect(h.sink.valuesOf('switch:0/power')).toEqual([0, 1530.2]);

    await h.adapter.execute(address, 'switch:0', { type: 'turn_off' });
    await h.adapter.execute(address, 'cover:1', { type: 'set_level', level: 80 });
    const frames = () =>
      rpc
        .map((m) => JSON.parse(m.slice(m.indexOf('=') + 1)) as Record<string, unknown>)
        .filter((f) => f.method !== 'Shelly.GetStatus');
    await waitFor(() => frames().length === 2, 3000, 'rpc');
    expect(frames()[0]).toMatchObject({
      src: `${id}/truss`,
      method: 'Switch.Set',
      params: { id: 0, on: false },
    });
    expect(frames()[1]).toMatchObject({ method: 'Cover.GoToPosition', params: { id: 1, pos: 80 } });
  });

  it('a device coming online without a full status is asked for one (Shelly.GetStatus, reply on <src>/rpc)', async () => {
    h = await startHarness();
    const id = 'shellypmmini-aabbccddeeff';
    const dev = await h.device(id);
    dev.on('message', (topic, payload) => {
      const req = JSON.parse(payload.toString()) as { id: number; src: string; method: string };
      if (req.method !== 'Shelly.GetStatus') return;
      void pub(dev, `${req.src}/rpc`, {
        id: req.id,
        src: id,
        dst: req.src,
        result: { 'pm1:0': { id: 0, voltage: 230, current: 0.1, apower: 23.4, aenergy: { total: 5000 } } },
      });
    });
    await dev.subscribeAsync(`${id}/rpc`, { qos: 1 });
    await pub(dev, `${id}/online`, 'true');
    await waitFor(() => h.sink.valuesOf('pm1:0/power').length === 1, 3000, 'status');
    expect(h.sink.valuesOf('pm1:0/energy')).toEqual([5]);
  });
});

/**
 * bridge/devices entries as in https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html#zigbee2mqtt-bridge-devices
 * with exposes from https://www.zigbee2mqtt.io/devices/LED1545G12.html and /devices/WSDCGQ11LM.html
 */
const z2mDevices = [
  {
    ieee_address: '0x00124b00120144ae',
    type: 'Coordinator',
    network_address: 0,
    interview_completed: true,
    friendly_name: 'Coordinator',
    supported: true,
    definition: null,
  },
  {
    ieee_address: '0x000b57fffec6a5b2',
    type: 'Router',
    network_address: 40369,
    supported: true,
    friendly_name: 'living/bulb',
    interview_completed: true,
    software_build_id: '1.2.217',
    definition: {
      model: 'LED1545G12',
      vendor: 'IKEA',
      description: 'TRADFRI bulb E26/E27, white spectrum, globe, opal, 980 lm',
      exposes: [
        {
          type: 'light',
          features: [
            {
              type: 'binary',
              name: 'state',
              property: 'state',
              access: 7,
              value_on: 'ON',
              value_off: 'OFF',
              value_toggle: 'TOGGLE',
            },
            {
              type: 'numeric',
              name: 'brightness',
              property: 'brightness',
              access: 7,
              value_min: 0,
              value_max: 254,
            },
            { type: 'numeric', name: 'color_temp', property: 'color_temp', access: 7, unit: 'mired' },
          ],
        },
        { type: 'numeric', name: 'linkquality', property: 'linkquality', access: 1, unit: 'lqi' },
      ],
    },
  },
  {
    ieee_address: '0x00158d00045a1b2c',
    type: 'EndDevice',
    supported: true,
    friendly_name: 'weather',
    interview_completed: true,
    definition: {
      model: 'WSDCGQ11LM',
      vendor: 'Aqara',
      exposes: [
        { type: 'numeric', name: 'temperature', property: 'temperature', access: 1, unit: '°C' },
        { type: 'numeric', name: 'humidity', property: 'humidity', access: 1, unit: '%' },
        { type: 'numeric', name: 'battery', property: 'battery', access: 1, unit: '%' },
      ],
    },
  },
];

describe('Zigbee2MQTT bridge import', () => {
  it('a simulated Z2M publisher: devices, state, availability, set command; removed devices leave', async () => {
    h = await startHarness();
    const z2m = await h.device(
      'zigbee2mqtt',
      {},
      { publish: ['zigbee2mqtt/#'], subscribe: ['zigbee2mqtt/#'] },
    );
    const sets = await inbox(z2m, 'zigbee2mqtt/+/+/set');
    await pub(z2m, 'zigbee2mqtt/bridge/devices', z2mDevices, true);
    await waitFor(() => h.sink.lastDevice('z2m:0x00158d00045a1b2c'), 3000, 'import');
    expect(h.sink.lastDevice('z2m:0x000b57fffec6a5b2')).toMatchObject({
      name: 'living/bulb',
      manufacturer: 'IKEA',
      model: 'LED1545G12',
      entities: [{ key: 'light', kind: 'light', attributes: { dimmable: true } }],
    });
    expect(h.sink.lastDevice('z2m:0x00158d00045a1b2c')!.entities.map((e) => e.kind)).toEqual([
      'sensor',
      'sensor',
      'battery',
    ]);
    expect(h.sink.announced.some((d) => d.address === 'z2m:0x00124b00120144ae')).toBe(false);

    await pub(z2m, 'zigbee2mqtt/living/bulb', {
      state: 'ON',
      brightness: 127,
      color_temp: 325,
      linkquality: 120,
    });
    await pub(z2m, 'zigbee2mqtt/weather', { temperature: 21.3, humidity: 44.7, battery: 97, voltage: 3005 });
    await pub(z2m, 'zigbee2mqtt/weather/availability', { state: 'offline' });
    await waitFor(() => h.sink.valuesOf('battery').length === 1, 3000, 'state');
    expect(h.sink.valuesOf('light')).toEqual([{ on: true, level: 50 }]);
    expect(h.sink.valuesOf('temperature')).toEqual([21.3]);
    expect(h.sink.availability).toContainEqual({ address: 'z2m:0x00158d00045a1b2c', online: false });

    await h.adapter.execute('z2m:0x000b57fffec6a5b2', 'light', { type: 'set_level', level: 100 });
    await waitFor(() => sets.length === 1, 3000, 'set');
    expect(sets[0]).toBe('zigbee2mqtt/living/bulb/set={"state":"ON","brightness":254}');

    await pub(z2m, 'zigbee2mqtt/bridge/devices', z2mDevices.slice(0, 2), true);
    await waitFor(() => h.sink.removed.includes('z2m:0x00158d00045a1b2c'), 3000, 'removal');
  });
});

describe('hostile input to every family', () => {
  it('fuzzed payloads and topics: no crash, no device, no state', async () => {
    h = await startHarness();
    const fuzz = await h.device('fuzz', {}, { publish: ['#'], subscribe: [] });
    const topics = [
      'tasmota/discovery/A4CF121A2B3C/config',
      'tasmota/discovery/XYZ/config',
      'tasmota/discovery/A4CF121A2B3C/sensors',
      'shellyplus1-1/events/rpc',
      'shellyplus1-1/truss/rpc',
      'shellyplus1-1/online',
      'zigbee2mqtt/bridge/devices',
      'zigbee2mqtt/x',
      'stat/t/POWER',
      'tele/t/SENSOR',
    ];
    const bodies: Array<string | Buffer> = [
      '',
      'null',
      '[]',
      '{"t":"a/#","rl":[1]}',
      '{"t":"ok","ft":"%prefix%/+/%topic%/","rl":[1]}',
      '{"method":"NotifyFullStatus","params":{"switch:0":null,"__proto__":{"x":1}}}',
      '[{"ieee_address":"0x1","friendly_name":"#"}]',
      '[{"ieee_address":"0x000b57fffec6a5b2","friendly_name":"a/+","interview_completed":true,"definition":{"exposes":[{"type":"light"}]}}]',
      Buffer.from([0xff, 0xfe, 0x00]),
      '{"a":'.repeat(1000),
    ];
    for (let i = 0; i < 40; i++) bodies.push(randomBytes(1 + (i % 50) * 20));
    for (const t of topics) for (const b of bodies) await fuzz.publishAsync(t, b, { qos: 0 });
    for (let i = 0; i < 50; i++)
      await fuzz.publishAsync(`${randomBytes(4).toString('hex')}/${i}/events/rpc`, randomBytes(30), {
        qos: 0,
      });
    await fuzz.publishAsync('ping/ok', 'x', { qos: 1 });
    await sleep(300);
    // Every frame reaches the adapter now (the rate limit slows, it no longer drops): the Shelly
    // NotifyFullStatus above names a prefix, so it announces a bare device by design (see "adopted
    // bare" above), with no entity and no state; nothing else may appear.
    expect(
      h.sink.announced.filter((a) => a.entities.length > 0 || a.address !== 'shelly:shellyplus1-1'),
    ).toEqual([]);
    expect(h.sink.states).toEqual([]);
    expect(({} as Record<string, unknown>).x).toBeUndefined(); // no prototype pollution
    expect(h.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(h.adapter.health().status).toBe('ok');
  });
});
