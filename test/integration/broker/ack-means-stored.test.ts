import { connect as netConnect } from 'node:net';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createBroker, createMemoryCredentialStore, type Broker } from '../../../main/core/broker/index.ts';
import type { BusMessage } from '../../../shared/adapter/contract.ts';
import { endClient, recordingLogger, waitFor } from './helpers.ts';

/**
 * Acknowledged means delivered (issue 14 §5 (b)): the probe's 400-message QoS1 burst got 400
 * PUBACKs and left 101 messages. An outside client counts its PUBACKs (MQTT 3.1.1 §4.3.2: the
 * sender may discard a QoS1 message once PUBACKed) against what reached the core.
 */
let broker: Broker | null = null;
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map(endClient));
  await broker?.stop();
  broker = null;
});

async function setup(rate: number) {
  broker = createBroker({
    host: '127.0.0.1',
    port: 0,
    credentials: createMemoryCredentialStore(),
    log: recordingLogger([]),
    limits: { maxMsgsPerSecPerClient: rate },
  });
  const { port } = await broker.start();
  const cred = await broker.issueCredential('meter-1', { publish: ['meter-1/#'], subscribe: [] });
  const seen: BusMessage[] = [];
  broker.bus.subscribe('meter-1/#', (m) => seen.push(m));
  return { port, cred, seen };
}

describe('a PUBACK is never followed by a drop', () => {
  it('a 400-message QoS1 burst: 400 PUBACKs, 400 delivered (slowed, not dropped)', async () => {
    const { port, cred, seen } = await setup(100);
    const c = await new Promise<mqtt.MqttClient>((resolve, reject) => {
      const x = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
        clientId: 'meter-1',
        username: 'meter-1',
        password: cred.password,
        reconnectPeriod: 0,
      });
      x.once('connect', () => resolve(x));
      x.once('error', reject);
    });
    clients.push(c);
    let acked = 0;
    await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        c.publishAsync('meter-1/energy', String(i), { qos: 1 }).then(() => acked++),
      ),
    );
    expect(acked).toBe(400);
    await waitFor(() => seen.length >= 400, 2000);
    expect(seen.length).toBe(400);
    expect(broker!.stats().slowed).toBeGreaterThan(0);
  }, 20_000);

  it('a client far beyond the limit is refused visibly: every PUBACKed message was delivered', async () => {
    const { port, cred, seen } = await setup(5);
    // a raw client: CONNECT then 100 QoS1 PUBLISHes at once, counting PUBACKs on the wire
    const socket = netConnect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const str = (s: string) => Buffer.concat([Buffer.from([s.length >> 8, s.length & 255]), Buffer.from(s)]);
    const packet = (type: number, body: Buffer) => {
      const len: number[] = [];
      let n = body.length;
      do {
        let byte = n % 128;
        n = Math.floor(n / 128);
        if (n > 0) byte |= 128;
        len.push(byte);
      } while (n > 0);
      return Buffer.concat([Buffer.from([type, ...len]), body]);
    };
    const connectBody = Buffer.concat([
      str('MQTT'),
      Buffer.from([4, 0xc2, 0, 60]),
      str('meter-1'),
      str('meter-1'),
      str(cred.password),
    ]);
    const acked: number[] = [];
    let connack = false;
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf[1]!) {
        if (buf[0] === 0x20) connack = true;
        if (buf[0] === 0x40) acked.push(buf.readUInt16BE(2));
        buf = buf.subarray(2 + buf[1]!);
      }
    });
    const closed = new Promise((r) => socket.once('close', r));
    socket.write(packet(0x10, connectBody));
    await waitFor(() => connack, 3000);
    const publishes = Array.from({ length: 100 }, (_, i) =>
      packet(0x32, Buffer.concat([str('meter-1/energy'), Buffer.from([0, i + 1]), Buffer.from(String(i))])),
    );
    socket.write(Buffer.concat(publishes));
    await closed; // refused: disconnected
    await new Promise((r) => setTimeout(r, 200));
    // at-least-once (MQTT 3.1.1 §4.3.2): every PUBACKed packet id was delivered; the refused tail
    // was never acknowledged, so the device still holds it and resends it
    expect(acked.length).toBeLessThan(100);
    const delivered = new Set(seen.map((m) => Number(m.payload.toString()) + 1));
    expect(acked.filter((id) => !delivered.has(id))).toEqual([]);
    expect(delivered.size).toBeLessThan(100);
    expect(broker!.stats().dropped).toBeGreaterThan(0);
  }, 20_000);
});
