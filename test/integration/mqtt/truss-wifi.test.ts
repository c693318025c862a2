import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';

let t: TestTruss | null = null;
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await t?.stop();
  t = null;
});

function connect(url: string, opts: mqtt.IClientOptions): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...opts });
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

const MAC = 'A4CF12ABCDEF';
const T = 'tasmota_ABCDEF';

describe('a Wi-Fi device adopted through the real Truss API', () => {
  it('window -> candidate -> commissioning.adopt returns settings once -> device works over TLS with the exported CA', async () => {
    t = await startTestTruss();
    const token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
      .result.token as string;
    const ca = await t.call('mqtt.caCertificate', {}, token);
    expect(ca.status).toBe(200);
    expect(ca.body.result.pem).toMatch(/BEGIN CERTIFICATE/);
    const { port, tlsPort } = t.truss.core.mqttListeners;
    expect(tlsPort).toBeGreaterThan(0);

    expect((await t.call('commissioning.open', { adapter: 'mqtt', seconds: 60 }, token)).status).toBe(200);
    const fresh = await connect(`mqtt://127.0.0.1:${port}`, { clientId: 'DVES_ABCDEF' });
    // https://tasmota.github.io/docs/Home-Assistant/ : discovery config as Tasmota publishes it
    await fresh.publishAsync(
      `tasmota/discovery/${MAC}/config`,
      JSON.stringify({
        dn: 'Hall plug',
        fn: ['Lamp'],
        mac: MAC,
        md: 'Gosund SP1',
        sw: '13.1.0',
        t: T,
        rl: [1],
        ofln: 'Offline',
        onln: 'Online',
        ft: '%prefix%/%topic%/',
        tp: ['cmnd', 'stat', 'tele'],
      }),
      { qos: 1, retain: true },
    );
    const status = await until(
      async () => {
        const s = (await t!.call('commissioning.status', {}, token)).body.result as Array<{
          adapter: string;
          candidates: Array<{ id: string }>;
        }>;
        return s.find((x) => x.adapter === 'mqtt' && x.candidates.length > 0);
      },
      5000,
      'candidate',
    );
    expect(status.candidates[0]!.id).toBe(`tasmota:${MAC}`);
    // unadopted: not in the registry
    const before = (await t.call('site.snapshot', {}, token)).body.result as {
      devices: Array<{ name: string }>;
    };
    expect(before.devices.some((d) => d.name === 'Hall plug')).toBe(false);

    const adopted = await t.call(
      'commissioning.adopt',
      { adapter: 'mqtt', candidateId: `tasmota:${MAC}`, name: 'Hall lamp' },
      token,
    );
    expect(adopted.status).toBe(200);
    const device = adopted.body.result as { id: string; name: string; connection: Record<string, unknown> };
    expect(device.name).toBe('Hall lamp');
    // the login is the client id the plug already uses (Tasmota's DVES_%06X), so only user and password are typed
    expect(device.connection).toMatchObject({
      port,
      tlsPort,
      username: 'DVES_ABCDEF',
      clientId: 'DVES_ABCDEF',
      topic: T,
    });
    const password = device.connection.password as string;
    // the password is in no later answer
    const snap = JSON.stringify((await t.call('site.snapshot', {}, token)).body);
    expect(snap).not.toContain(password);

    fresh.end(true);
    const plug = await connect(`mqtts://127.0.0.1:${tlsPort}`, {
      clientId: 'DVES_ABCDEF',
      username: 'DVES_ABCDEF',
      password,
      ca: ca.body.result.pem as string,
      servername: 'localhost',
    });
    await plug.subscribeAsync(`cmnd/${T}/#`, { qos: 1 });
    const cmd = new Promise<string>((resolve) =>
      plug.on('message', (topic, p) => resolve(`${topic}=${p.toString()}`)),
    );
    await plug.publishAsync(`stat/${T}/POWER`, 'ON', { qos: 1 });
    const snapshot = async () =>
      (await t!.call('site.snapshot', {}, token)).body.result as {
        entities: Array<{ id: string; deviceId: string; key: string }>;
        states: Record<string, { value: unknown }>;
      };
    const entity = await until(
      async () => (await snapshot()).entities.find((e) => e.deviceId === device.id && e.key === 'POWER1'),
      5000,
      'entity',
    );
    await until(async () => (await snapshot()).states[entity.id]?.value === true, 5000, 'state');
    const r = await t.call('entity.command', { entityId: entity.id, command: { type: 'turn_off' } }, token);
    expect(r.status).toBe(200);
    expect(await cmd).toBe(`cmnd/${T}/POWER1=OFF`);

    // its login through the API: the ACL it was given, and what it tried outside it
    await plug.publishAsync(`stat/other_plug/POWER`, 'ON', { qos: 1 });
    const accessInfo = await until(
      async () => {
        const r = await t!.call('device.access.get', { deviceId: device.id }, token);
        const info = r.body.result as { outside: unknown[] };
        return info.outside.length > 0 ? info : undefined;
      },
      5000,
      'refused traffic in the access report',
    );
    expect(accessInfo).toMatchObject({
      username: 'DVES_ABCDEF',
      active: true,
      publish: [`tasmota/discovery/${MAC}/#`, `tele/${T}/#`, `stat/${T}/#`],
      subscribe: [`cmnd/${T}/#`],
      outside: [{ kind: 'publish', topic: 'stat/other_plug/POWER', count: 1 }],
    });
    const wide = await t.call(
      'device.access.set',
      { deviceId: device.id, publish: ['stat/#'], subscribe: [`cmnd/${T}/#`] },
      token,
    );
    expect(wide.status).toBe(400);
    expect((wide.body as { error: { message: string } }).error.message).toMatch(/shared topic root "stat"/);
    const hostile = await t.call(
      'device.access.set',
      { deviceId: device.id, publish: ['x\u0000y'], subscribe: [] },
      token,
    );
    expect(hostile.status).toBe(400);
    const revoked = await t.call('device.access.revoke', { deviceId: device.id }, token);
    expect(revoked.status).toBe(200);
    expect((await t.call('device.access.get', { deviceId: device.id }, token)).body.result).toMatchObject({
      active: false,
    });
    expect((await t.call('device.remove', { deviceId: device.id }, token)).status).toBe(200);
    const audit = JSON.stringify((await t.call('audit.list', {}, token)).body);
    expect(audit).toContain('device.access.revoke');
  });
});
