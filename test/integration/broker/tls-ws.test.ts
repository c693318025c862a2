import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createBroker, createMemoryCredentialStore, type Broker } from '../../../main/core/broker/index.ts';
import { loadOrCreateSiteTls } from '../../../main/core/broker/site-ca.ts';
import { createMemorySecretStore } from '../../../main/core/secrets/memory-secret-store.ts';
import { endClient, recordingLogger, sleep, waitFor, type LogLine } from './helpers.ts';
import { programAvailable } from '../support/peers.ts';

let broker: Broker | null = null;
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map(endClient));
  await broker?.stop();
  broker = null;
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

async function start(lines: LogLine[] = []) {
  const secrets = createMemorySecretStore();
  const tls = await loadOrCreateSiteTls(secrets, ['localhost', '127.0.0.1']);
  const store = createMemoryCredentialStore();
  broker = createBroker({
    host: '127.0.0.1',
    port: 0,
    credentials: store,
    log: recordingLogger(lines),
    tls: { host: '127.0.0.1', port: 0, key: tls.keyPem, cert: tls.certPem },
    websocket: { host: '127.0.0.1', port: 0 },
  });
  const ports = await broker.start();
  const cred = await broker.issueCredential('dev-1', { publish: ['dev-1/#'], subscribe: ['dev-1/#'] });
  return { ports, tls, secrets, cred };
}

describe('site CA and TLS / WebSocket listeners', () => {
  it('the CA is created once and kept; the server certificate is re-issued when its names change', async () => {
    const secrets = createMemorySecretStore();
    const a = await loadOrCreateSiteTls(secrets, ['localhost']);
    const b = await loadOrCreateSiteTls(secrets, ['localhost']);
    expect(b).toEqual(a);
    const c = await loadOrCreateSiteTls(secrets, ['localhost', 'truss.lan']);
    expect(c.caPem).toBe(a.caPem);
    expect(c.certPem).not.toBe(a.certPem);
    expect(a.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(await secrets.get('ca.key')).toMatch(/PRIVATE KEY/);
  });

  it('mqtt.js over TLS with the exported CA: publish and receive; without the CA the handshake is refused', async () => {
    const { ports, tls, cred } = await start();
    const c = await connect(`mqtts://127.0.0.1:${ports.tlsPort}`, {
      clientId: 'dev-1',
      username: 'dev-1',
      password: cred.password,
      ca: tls.caPem,
      servername: 'localhost',
    });
    const got = new Promise<string>((resolve) => c.on('message', (_t, p) => resolve(p.toString())));
    await c.subscribeAsync('dev-1/echo', { qos: 1 });
    await c.publishAsync('dev-1/echo', 'over tls', { qos: 1 });
    expect(await got).toBe('over tls');
    await expect(
      connect(`mqtts://127.0.0.1:${ports.tlsPort}`, {
        clientId: 'dev-1',
        username: 'dev-1',
        password: cred.password,
      }),
    ).rejects.toThrow(/self-signed|unable to verify|certificate/i);
  });

  it('MQTT over WebSocket reaches the same broker and ACLs', async () => {
    const { ports, cred } = await start();
    const c = await connect(`ws://127.0.0.1:${ports.wsPort}`, {
      clientId: 'dev-1',
      username: 'dev-1',
      password: cred.password,
    });
    const got = new Promise<string>((resolve) => c.on('message', (_t, p) => resolve(p.toString())));
    await c.subscribeAsync('dev-1/x', { qos: 1 });
    await c.publishAsync('dev-1/x', 'over ws', { qos: 1 });
    expect(await got).toBe('over ws');
    await expect(c.subscribeAsync('other/#', { qos: 1 })).rejects.toThrow();
  });

  it('garbage on the TLS port is logged and costs nothing', async () => {
    const lines: LogLine[] = [];
    const { ports } = await start(lines);
    const s = tlsConnect({ host: '127.0.0.1', port: ports.tlsPort!, rejectUnauthorized: false });
    await new Promise<void>((resolve) => s.once('secureConnect', () => resolve()));
    s.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0]));
    await new Promise<void>((resolve) => s.once('close', () => resolve()));
    const { Socket } = await import('node:net');
    const raw = new Socket();
    raw.connect(ports.tlsPort!, '127.0.0.1', () => raw.write('GET / HTTP/1.1\r\n\r\n'));
    await new Promise<void>((resolve) => raw.once('close', () => resolve()));
    await waitFor(() => lines.some((l) => l.msg === 'TLS handshake failed'), 3000, 'tls log');
    expect(broker!.stats().clients).toBe(0);
  });

  it.skipIf(!programAvailable('/usr/bin/mosquitto_sub', 'Debian mosquitto-clients'))(
    'Debian mosquitto_sub --cafile verifies the site CA and receives a message',
    async () => {
      const { ports, tls, cred } = await start();
      const dir = mkdtempSync(join(tmpdir(), 'truss-ca-'));
      writeFileSync(join(dir, 'ca.pem'), tls.caPem);
      const sub = spawn(
        '/usr/bin/mosquitto_sub',
        [
          '-h',
          'localhost',
          '-p',
          String(ports.tlsPort),
          '--cafile',
          join(dir, 'ca.pem'),
          '-i',
          'dev-1',
          '-u',
          'dev-1',
          '-P',
          cred.password,
          '-t',
          'dev-1/out',
          '-C',
          '1',
          '-q',
          '1',
          '-V',
          'mqttv311',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      sub.stdout.on('data', (d: Buffer) => (out += d.toString()));
      sub.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number>((resolve) => sub.on('exit', (code) => resolve(code ?? -1)));
      await waitFor(() => broker!.stats().clients === 1, 5000, `mosquitto_sub connected ${err}`);
      await sleep(100);
      await broker!.bus.publish('dev-1/out', 'hello mosquitto', { qos: 1 });
      expect(await exited).toBe(0);
      expect(out.trim()).toBe('hello mosquitto');
    },
  );
});
