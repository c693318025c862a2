import { mkdtempSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import {
  createBroker,
  createMemoryCredentialStore,
  type Broker,
  type CredentialStore,
} from '../../../main/core/broker/index.ts';
import type { BusMessage } from '../../../shared/adapter/contract.ts';
import { connectClient, endClient, recordingLogger, sleep, waitFor } from './helpers.ts';

let brokers: Broker[] = [];
let clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map(endClient));
  for (const b of brokers) await b.stop().catch(() => {});
  brokers = [];
  clients = [];
});

async function startBroker(
  file: string,
  credentials: CredentialStore,
): Promise<{ broker: Broker; port: number }> {
  const broker = createBroker({
    host: '127.0.0.1',
    port: 0,
    credentials,
    log: recordingLogger(),
    persistenceFile: file,
  });
  brokers.push(broker);
  const { port } = await broker.start();
  return { broker, port };
}

const rows = (file: string, table: string): number => {
  const db = new DatabaseSync(file);
  try {
    return Number((db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);
  } finally {
    db.close();
  }
};

describe('broker state in SQLite across a restart', () => {
  it('QoS1 queued for an offline persistent session is delivered after the restart; the session resumes without re-subscribing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'truss-persist-')), 'truss.db');
    const creds = createMemoryCredentialStore();
    let { broker, port } = await startBroker(file, creds);
    const sub = await broker.issueCredential('sub-1', { publish: [], subscribe: ['sub-1/#'] });
    const opts = { clientId: 'sub-1', username: 'sub-1', password: sub.password, clean: false };
    const first = await connectClient(port, opts);
    await first.subscribeAsync('sub-1/in', { qos: 1 });
    await endClient(first);
    await broker.bus.publish('sub-1/in', 'queued while offline', { qos: 1 });
    await sleep(50);
    expect(rows(file, 'mqtt_outgoing')).toBe(1);

    await broker.stop();
    ({ broker, port } = await startBroker(file, creds));
    const got: string[] = [];
    const second = await connectClient(port, opts);
    clients.push(second);
    second.on('message', (t, p) => got.push(`${t}=${p.toString()}`));
    await waitFor(() => got.length === 1, 3000, 'queued delivery');
    expect(got).toEqual(['sub-1/in=queued while offline']);
    // resumed: the restored subscription still receives, and the delivered message left the queue
    await broker.bus.publish('sub-1/in', 'after restart', { qos: 1 });
    await waitFor(() => got.length === 2, 3000, 'live delivery');
    await sleep(50);
    expect(rows(file, 'mqtt_outgoing')).toBe(0);
  });

  it('retained state survives with its publisher, so a replayed discovery config keeps its owner; clearing it is persisted too', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'truss-persist-')), 'truss.db');
    const creds = createMemoryCredentialStore();
    let { broker, port } = await startBroker(file, creds);
    const dev = await broker.issueCredential('dev-1', { publish: ['dev-1/#'], subscribe: [] });
    const c = await connectClient(port, { clientId: 'dev-1', username: 'dev-1', password: dev.password });
    await c.publishAsync('dev-1/state', 'on', { qos: 1, retain: true });
    await c.publishAsync('dev-1/gone', 'x', { qos: 1, retain: true });
    await c.publishAsync('dev-1/gone', '', { qos: 1, retain: true });
    await endClient(c);
    await broker.stop();

    ({ broker, port } = await startBroker(file, creds));
    const seen: BusMessage[] = [];
    broker.bus.subscribe('dev-1/#', (m) => seen.push(m));
    await waitFor(() => seen.length === 1, 3000, 'retained replay');
    await sleep(50);
    expect(seen.map((m) => [m.topic, Buffer.from(m.payload).toString(), m.clientId, m.retain])).toEqual([
      ['dev-1/state', 'on', 'dev-1', true],
    ]);
    expect(rows(file, 'mqtt_retained')).toBe(1);
  });

  it('a clean session leaves nothing behind', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'truss-persist-')), 'truss.db');
    const creds = createMemoryCredentialStore();
    const { broker, port } = await startBroker(file, creds);
    const s = await broker.issueCredential('tmp-1', { publish: [], subscribe: ['tmp-1/#'] });
    const c = await connectClient(port, { clientId: 'tmp-1', username: 'tmp-1', password: s.password });
    await c.subscribeAsync('tmp-1/#', { qos: 1 });
    await endClient(c);
    await broker.bus.publish('tmp-1/x', 'y', { qos: 1 });
    await sleep(50);
    expect(rows(file, 'mqtt_subscriptions')).toBe(0);
    expect(rows(file, 'mqtt_outgoing')).toBe(0);
  });
});
