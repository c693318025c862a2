import { connect as netConnect, type Socket } from 'node:net';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createBroker, createMemoryCredentialStore, type Broker } from '../../../main/core/broker/index.ts';
import { loadOrCreateSiteTls } from '../../../main/core/broker/site-ca.ts';
import { createMemorySecretStore } from '../../../main/core/secrets/memory-secret-store.ts';
import { startTestTruss, type TestTruss } from '../support/truss-harness.ts';
import { endClient, recordingLogger, waitFor } from './helpers.ts';

/**
 * Descriptor exhaustion (issue 14 §5 floods (a)): the probe held 937 silent or half-done TLS
 * handshakes open until the process had no descriptors left. Replayed here with raw sockets.
 */
let broker: Broker | null = null;
let t: TestTruss | null = null;
const sockets: Socket[] = [];
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(clients.splice(0).map(endClient));
  await broker?.stop();
  broker = null;
  await t?.stop();
  t = null;
});

async function startTlsBroker(limits: { maxPendingTotal?: number } = {}) {
  const tls = await loadOrCreateSiteTls(createMemorySecretStore(), ['localhost', '127.0.0.1']);
  broker = createBroker({
    host: '127.0.0.1',
    port: 0,
    credentials: createMemoryCredentialStore(),
    log: recordingLogger([]),
    limits,
    tls: { host: '127.0.0.1', port: 0, key: tls.keyPem, cert: tls.certPem },
  });
  const ports = await broker.start();
  const cred = await broker.issueCredential('dev-1', { publish: ['dev-1/#'], subscribe: ['dev-1/#'] });
  return { ports, tls, cred };
}

function open(port: number, hello?: Buffer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect(port, '127.0.0.1', () => {
      if (hello) s.write(hello);
      resolve(s);
    });
    s.on('error', () => undefined);
    s.once('error', reject);
    sockets.push(s);
  });
}

const closed = (s: Socket) => s.destroyed || s.closed;
/** the start of a ClientHello record that never finishes */
const HALF_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03]);

describe('silent and half-done TLS handshakes', () => {
  it('are closed within seconds and counted, while a real device still connects over TLS', async () => {
    const { ports, tls, cred } = await startTlsBroker();
    const silent = await Promise.all(Array.from({ length: 40 }, () => open(ports.tlsPort!)));
    const half = await Promise.all(Array.from({ length: 40 }, () => open(ports.tlsPort!, HALF_HELLO)));
    await waitFor(() => broker!.stats().pendingAuth >= 80, 3000);
    const device = await new Promise<mqtt.MqttClient>((resolve, reject) => {
      const c = mqtt.connect(`mqtts://127.0.0.1:${ports.tlsPort}`, {
        ca: tls.caPem,
        servername: 'localhost',
        username: cred.username,
        clientId: cred.username,
        password: cred.password,
        reconnectPeriod: 0,
      });
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
    clients.push(device);
    const t0 = Date.now();
    await waitFor(() => [...silent, ...half].every(closed), 9000);
    const seconds = (Date.now() - t0) / 1000;
    expect(seconds).toBeLessThan(8);
    expect(broker!.stats().tlsHandshakeFailures).toBeGreaterThanOrEqual(80);
    expect(broker!.stats().pendingAuth).toBe(0);
    expect(device.connected).toBe(true);
  }, 20_000);

  it('past the cap on unauthenticated connections new ones are refused and counted; a device gets in once they go', async () => {
    const { ports, cred } = await startTlsBroker({ maxPendingTotal: 20 });
    const flood = await Promise.all(Array.from({ length: 50 }, () => open(ports.port)));
    await waitFor(() => broker!.stats().refusedPreAuth >= 30, 3000);
    expect(broker!.stats().pendingAuth).toBe(20);
    for (const s of flood) s.destroy();
    await waitFor(() => broker!.stats().pendingAuth === 0, 3000);
    const device = await new Promise<mqtt.MqttClient>((resolve, reject) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${ports.port}`, {
        username: cred.username,
        clientId: cred.username,
        password: cred.password,
        reconnectPeriod: 0,
      });
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
    clients.push(device);
    // authenticated connections no longer count as pending
    expect(broker!.stats().pendingAuth).toBe(0);
  }, 20_000);
});

describe('stable endpoints', () => {
  it('keeps the TLS (and plain) port a device was told across restarts', async () => {
    t = await startTestTruss();
    const first = t.truss.core.use('broker').listeners;
    expect(first.tlsPort).not.toBeNull();
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = await startTestTruss({ dataDir });
    const second = t.truss.core.use('broker').listeners;
    expect(second.tlsPort).toBe(first.tlsPort);
    expect(second.port).toBe(first.port);
  }, 30_000);
});

describe('retained bytes per client', () => {
  it('a device may park only its budget of retained bytes; overwrites and clears are counted right', async () => {
    broker = createBroker({
      host: '127.0.0.1',
      port: 0,
      credentials: createMemoryCredentialStore(),
      log: recordingLogger([]),
      limits: { maxRetainedBytesPerClient: 100_000 },
    });
    const { port } = await broker.start();
    const cred = await broker.issueCredential('hog', { publish: ['hog/#'], subscribe: [] });
    const connectHog = () =>
      new Promise<mqtt.MqttClient>((resolve, reject) => {
        const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
          clientId: 'hog',
          username: 'hog',
          password: cred.password,
          reconnectPeriod: 0,
        });
        c.once('connect', () => resolve(c));
        c.once('error', reject);
        clients.push(c);
      });
    const hog = await connectHog();
    const chunk = Buffer.alloc(20_000, 0x61);
    for (let i = 0; i < 5; i++) await hog.publishAsync(`hog/t${i}`, chunk, { qos: 1, retain: true });
    // overwriting a topic it already holds does not grow its share
    await hog.publishAsync('hog/t0', chunk, { qos: 1, retain: true });
    const closed = new Promise<void>((r) => hog.once('close', () => r()));
    hog.publish(`hog/t5`, chunk, { qos: 1, retain: true });
    await closed;
    expect(broker.stats().dropped).toBe(1);
    // clearing a retained topic frees its bytes
    const again = await connectHog();
    await again.publishAsync('hog/t1', Buffer.alloc(0), { qos: 1, retain: true });
    await again.publishAsync('hog/t5', chunk, { qos: 1, retain: true });
    expect(again.connected).toBe(true);
  }, 20_000);
});
