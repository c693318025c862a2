import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';

/**
 * Removal as the devices' upstreams define it, seen through the real Truss API (site.snapshot):
 * - HA MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#device-discovery-payload,
 *   home-assistant/core tests/components/mqtt/test_discovery.py): a component omitted from the
 *   device config, or given only its platform, is removed from the device; an empty retained
 *   config removes the device;
 * - Tasmota (hatasmota/discovery.py): an empty retained `tasmota/discovery/<MAC>/config` removes
 *   the device.
 * Devices are adopted through commissioning.open / commissioning.adopt as the README tells.
 */
let t: TestTruss | null = null;
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await t?.stop();
  t = null;
});

function connect(port: number, opts: mqtt.IClientOptions): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
      reconnectPeriod: 0,
      connectTimeout: 5000,
      protocolVersion: 4,
      ...opts,
    });
    c.once('connect', () => {
      clients.push(c);
      resolve(c);
    });
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

interface Snapshot {
  devices: Array<{ id: string; address: string; name: string }>;
  entities: Array<{ id: string; deviceId: string; key: string }>;
}

async function setup(): Promise<{ token: string; port: number; snapshot: () => Promise<Snapshot> }> {
  t = await startTestTruss();
  const token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
    .result.token as string;
  const snapshot = async () => (await t!.call('site.snapshot', {}, token)).body.result as Snapshot;
  return { token, port: t.truss.core.mqttListeners.port, snapshot };
}

/** window -> the fresh device announces -> adopt through the API -> it reconnects as itself */
async function adopt(
  token: string,
  port: number,
  enrollId: string,
  announce: (c: mqtt.MqttClient) => Promise<unknown>,
  candidateId: string,
): Promise<{ device: mqtt.MqttClient; deviceId: string }> {
  expect((await t!.call('commissioning.open', { adapter: 'mqtt', seconds: 60 }, token)).status).toBe(200);
  const fresh = await connect(port, { clientId: enrollId });
  await announce(fresh);
  await until(
    async () => {
      const s = (await t!.call('commissioning.status', {}, token)).body.result as Array<{
        adapter: string;
        candidates: Array<{ id: string }>;
      }>;
      return s.find((x) => x.adapter === 'mqtt')?.candidates.some((c) => c.id === candidateId);
    },
    5000,
    'candidate',
  );
  const adopted = await t!.call('commissioning.adopt', { adapter: 'mqtt', candidateId }, token);
  expect(adopted.status).toBe(200);
  const { id, connection } = adopted.body.result as {
    id: string;
    connection: { username: string; password: string; clientId: string };
  };
  fresh.end(true);
  const device = await connect(port, {
    clientId: connection.clientId,
    username: connection.username,
    password: connection.password,
  });
  return { device, deviceId: id };
}

const pub = (c: mqtt.MqttClient, topic: string, body: unknown) =>
  c.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1, retain: true });

describe('removal through the device’s own discovery, seen in the API', () => {
  it('HA device discovery: dropped components leave the device, an empty config removes it', async () => {
    const { token, port, snapshot } = await setup();
    const id = 'env-node-7';
    const topic = `homeassistant/device/${id}/config`;
    const sensor = (k: string) => ({
      p: 'sensor',
      uniq_id: `env7_${k}`,
      name: k,
      stat_t: `${id}/state`,
      val_tpl: `{{ value_json.${k} }}`,
      unit_of_meas: k === 'temperature' ? '°C' : '%',
      dev_cla: k,
    });
    const config = (cmps: Record<string, unknown>) => ({
      dev: { ids: ['env7-mac'], name: 'Env 7', mf: 'Acme', mdl: 'E7' },
      o: { name: 'acme' },
      cmps,
    });
    const all = { t: sensor('temperature'), h: sensor('humidity'), b: sensor('battery') };
    const { device, deviceId } = await adopt(token, port, id, (c) => pub(c, topic, config(all)), `ha:${id}`);
    const keysOf = async () =>
      (await snapshot()).entities
        .filter((e) => e.deviceId === deviceId)
        .map((e) => e.key)
        .sort();
    await until(async () => (await keysOf()).length === 3, 5000, 'three entities');

    // humidity given only its platform: removed
    await pub(device, topic, config({ t: all.t, h: { p: 'sensor' }, b: all.b }));
    await until(async () => !(await keysOf()).includes('env7_humidity'), 5000, 'humidity removed');
    // battery omitted: removed
    await pub(device, topic, config({ t: all.t }));
    await until(async () => (await keysOf()).join() === 'env7_temperature', 5000, 'battery removed');
    expect((await snapshot()).devices.some((d) => d.id === deviceId)).toBe(true);
    // the empty retained config: the device leaves the site
    await pub(device, topic, '');
    await until(
      async () => !(await snapshot()).devices.some((d) => d.id === deviceId),
      5000,
      'device removed',
    );
    expect((await snapshot()).entities.some((e) => e.deviceId === deviceId)).toBe(false);
  });

  it('Tasmota: an empty retained discovery config removes the device', async () => {
    const { token, port, snapshot } = await setup();
    const mac = 'A4CF12ABC123';
    const tt = 'tasmota_ABC123';
    const cfg = {
      dn: 'Desk plug',
      fn: ['Lamp'],
      mac,
      md: 'Gosund SP1',
      sw: '14.3.0',
      t: tt,
      rl: [1],
      ofln: 'Offline',
      onln: 'Online',
      ft: '%prefix%/%topic%/',
      tp: ['cmnd', 'stat', 'tele'],
    };
    const { device, deviceId } = await adopt(
      token,
      port,
      'DVES_ABC123',
      (c) => pub(c, `tasmota/discovery/${mac}/config`, cfg),
      `tasmota:${mac}`,
    );
    await until(async () => (await snapshot()).devices.some((d) => d.id === deviceId), 5000, 'device');
    await pub(device, `tasmota/discovery/${mac}/config`, '');
    await until(async () => !(await snapshot()).devices.some((d) => d.id === deviceId), 5000, 'removed');
  });
});
