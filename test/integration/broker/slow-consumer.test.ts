import { afterEach, expect, it } from 'vitest';
import { createBroker, createMemoryCredentialStore, type Broker } from '../../../main/core/broker/index.ts';
import { connectClient, endClient, recordingLogger, sleep, waitFor, type LogLine } from './helpers.ts';
import type mqtt from 'mqtt';

let broker: Broker;
let client: mqtt.MqttClient | null = null;
let fast: mqtt.MqttClient | null = null;
afterEach(async () => {
  if (client) await endClient(client);
  if (fast) await endClient(fast);
  await broker.stop();
});

it('bounds what queues for a subscriber that stops reading: excess deliveries are dropped and counted', async () => {
  const lines: LogLine[] = [];
  broker = createBroker({
    host: '127.0.0.1',
    port: 0,
    credentials: createMemoryCredentialStore(),
    log: recordingLogger(lines),
    limits: { maxQueuedPerClient: 8 },
  });
  const { port } = await broker.start();
  const cred = await broker.issueCredential('slow-1', { publish: [], subscribe: ['slow-1/#'] });
  client = await connectClient(port, {
    clientId: 'slow-1',
    username: 'slow-1',
    password: cred.password,
    keepalive: 0,
  });
  await client.subscribeAsync('slow-1/#');
  const fastCred = await broker.issueCredential('fast-1', { publish: [], subscribe: ['slow-1/#'] });
  fast = await connectClient(port, { clientId: 'fast-1', username: 'fast-1', password: fastCred.password });
  let fastGot = 0;
  fast.on('message', () => fastGot++);
  await fast.subscribeAsync('slow-1/#');
  // stop reading at the TCP level: the kernel buffers fill, then the broker's socket backs up
  client.stream.pause();
  const payload = Buffer.alloc(16 * 1024, 1);
  for (let i = 0; i < 600; i++) await broker.bus.publish('slow-1/data', payload);
  await waitFor(() => broker.stats().dropped > 0, 5000, 'drops');
  await sleep(50);
  const { dropped } = broker.stats();
  // 600 x 16 KiB = 9.4 MiB offered; what is not dropped sits in kernel buffers or in at most
  // maxQueuedPerClient messages behind a full socket
  expect(dropped).toBeGreaterThan(300);
  expect(lines.some((l) => l.obj.reason === 'client queue full' && l.obj.clientId === 'slow-1')).toBe(true);
  // the frozen subscriber holds up nobody else
  await waitFor(() => fastGot === 600, 5000, 'fast subscriber gets everything');
  client.stream.resume();
});
