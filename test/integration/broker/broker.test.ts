import { connect as tcpConnect } from 'node:net';
import { spawn } from 'node:child_process';
import type mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBroker, createMemoryCredentialStore, type Broker } from '../../../main/core/broker/index.ts';
import type { BusMessage } from '../../../shared/adapter/contract.ts';
import { connectClient, endClient, recordingLogger, sleep, waitFor, type LogLine } from './helpers.ts';
import { programAvailable } from '../support/peers.ts';

let broker: Broker;
let port: number;
let lines: LogLine[];
const clients: mqtt.MqttClient[] = [];

async function start(limits?: Parameters<typeof createBroker>[0]['limits']): Promise<void> {
  lines = [];
  broker = createBroker({
    host: '127.0.0.1',
    port: 0,
    credentials: createMemoryCredentialStore(),
    log: recordingLogger(lines),
    limits,
  });
  ({ port } = await broker.start());
}

async function device(
  username: string,
  acl: { publish: string[]; subscribe: string[] },
  extra: mqtt.IClientOptions = {},
) {
  const cred = await broker.issueCredential(username, acl);
  const c = await connectClient(port, { clientId: username, username, password: cred.password, ...extra });
  clients.push(c);
  return { client: c, cred };
}

const refusal = (err: unknown): number | undefined => (err as { code?: number }).code;

describe('broker: authentication', () => {
  beforeEach(() => start());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(endClient));
    await broker.stop();
  });

  it('refuses anonymous connections with NOT_AUTHORIZED and logs why', async () => {
    const err = await connectClient(port, { clientId: 'anon' }).catch((e: unknown) => e);
    expect(refusal(err)).toBe(5);
    expect(broker.stats().deniedAuth).toBe(1);
    expect(lines.some((l) => l.obj.reason === 'anonymous connection' && l.level === 'warn')).toBe(true);
  });

  it('refuses a wrong password and an unknown user with BAD_USERNAME_OR_PASSWORD', async () => {
    await broker.issueCredential('plug-1', { publish: ['plug-1/#'], subscribe: [] });
    const wrong = await connectClient(port, {
      clientId: 'plug-1',
      username: 'plug-1',
      password: 'nope',
    }).catch((e: unknown) => e);
    expect(refusal(wrong)).toBe(4);
    const unknown = await connectClient(port, { clientId: 'ghost', username: 'ghost', password: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(refusal(unknown)).toBe(4);
    expect(broker.stats().deniedAuth).toBe(2);
    expect(lines.map((l) => l.obj.reason)).toEqual(
      expect.arrayContaining(['wrong password', 'unknown username']),
    );
  });

  it('refuses a clientId that differs from the username, so no device can take over another session', async () => {
    const { client: victim } = await device('meter-main', { publish: ['meter-main/#'], subscribe: [] });
    const plug = await broker.issueCredential('plug-1', { publish: ['plug-1/#'], subscribe: [] });
    const err = await connectClient(port, {
      clientId: 'meter-main',
      username: 'plug-1',
      password: plug.password,
    }).catch((e: unknown) => e);
    expect(refusal(err)).toBe(2);
    expect(victim.connected).toBe(true);
    expect(broker.stats().clients).toBe(1);
  });

  it('revoking a credential disconnects the live session and refuses the next connect', async () => {
    const { client, cred } = await device('plug-2', { publish: ['plug-2/#'], subscribe: [] });
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    await broker.revokeCredential('plug-2');
    await closed;
    const err = await connectClient(port, {
      clientId: 'plug-2',
      username: 'plug-2',
      password: cred.password,
    }).catch((e: unknown) => e);
    expect(refusal(err)).toBe(4);
  });

  it('a CONNECT storm queues for password checks instead of failing, and service continues', async () => {
    await broker.issueCredential('plug-1', { publish: [], subscribe: [] });
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        connectClient(port, { clientId: 'plug-1', username: 'plug-1', password: 'guess' }).then(
          () => 0,
          (e: unknown) => refusal(e) ?? -1,
        ),
      ),
    );
    expect(results.every((c) => c === 4)).toBe(true);
    expect(broker.stats().deniedAuth).toBe(40);
    await device('plug-2', { publish: [], subscribe: [] }); // and normal service continues
  });

  it('rejects invalid usernames and ACL filters when issuing', async () => {
    await expect(broker.issueCredential('a/b', { publish: [], subscribe: [] })).rejects.toThrow(
      /invalid device username/,
    );
    await expect(broker.issueCredential('ok', { publish: ['a/#/b'], subscribe: [] })).rejects.toThrow(
      /invalid ACL publish/,
    );
    await expect(broker.issueCredential('ok', { publish: [], subscribe: ['$SYS/#'] })).rejects.toThrow(
      /invalid ACL subscribe/,
    );
  });
});

describe('broker: ACL, limits and the in-process bus', () => {
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(endClient));
    await broker.stop();
  });

  it('drops a publish outside the ACL: the spoofed meter reading never reaches a bus subscriber or a client', async () => {
    await start();
    const seen: BusMessage[] = [];
    const unsub = broker.bus.subscribe('#', (m) => seen.push(m));
    const { client: meter } = await device('meter-main', {
      publish: ['meter-main/#'],
      subscribe: ['meter-main/#'],
    });
    const meterGot: string[] = [];
    meter.on('message', (t, p) => meterGot.push(`${t}=${p}`));
    await meter.subscribeAsync('meter-main/#');
    const { client: plug } = await device('plug-1', { publish: ['plug-1/#'], subscribe: [] });

    await plug.publishAsync('meter-main/power', '-99999', { qos: 1 }); // acked, but dropped
    await plug.publishAsync('plug-1/power', '12', { qos: 1 });
    await meter.publishAsync('meter-main/power', '2300', { qos: 1 });
    await waitFor(() => seen.some((m) => m.topic === 'meter-main/power'), 3000, 'genuine meter message');
    await sleep(50);

    expect(seen.map((m) => `${m.topic}=${Buffer.from(m.payload).toString()}@${m.clientId}`)).toEqual([
      'plug-1/power=12@plug-1',
      'meter-main/power=2300@meter-main',
    ]);
    expect(meterGot).toEqual(['meter-main/power=2300']);
    expect(plug.connected).toBe(true);
    expect(broker.stats().deniedAcl).toBe(1);
    const denial = lines.find((l) => l.msg === 'publish denied');
    expect(denial?.obj).toMatchObject({
      clientId: 'plug-1',
      topic: 'meter-main/power',
      reason: 'topic not in publish ACL',
    });
    unsub();
  });

  it('answers a subscribe outside the ACL with 0x80 and never delivers on it', async () => {
    await start();
    const { client: plug } = await device('plug-1', { publish: ['plug-1/#'], subscribe: ['plug-1/set/+'] });
    // read the SUBACK itself: mqtt.js turns any 0x80 into a generic error
    const suback = new Promise<number[]>((resolve) =>
      plug.on('packetreceive', (p) => {
        if (p.cmd === 'suback') resolve(p.granted as number[]);
      }),
    );
    plug.subscribe(['plug-1/set/power', '#', 'plug-1/set/#'], () => {});
    expect(await suback).toEqual([0, 128, 128]);
    expect(lines.filter((l) => l.msg === 'subscribe denied').map((l) => l.obj.topic)).toEqual([
      '#',
      'plug-1/set/#',
    ]);
    expect(broker.stats().deniedAcl).toBe(2);
  });

  it('core publishes bypass the ACL and reach the device; retained messages replay with their origin', async () => {
    await start();
    const { client: plug } = await device('plug-1', { publish: ['plug-1/#'], subscribe: ['plug-1/cmd'] });
    const got = new Promise<string>((r) => plug.once('message', (_t, p) => r(p.toString())));
    await plug.subscribeAsync('plug-1/cmd');
    await broker.bus.publish('plug-1/cmd', 'ON');
    expect(await got).toBe('ON');

    await plug.publishAsync('plug-1/config', '{"a":1}', { qos: 1, retain: true });
    await broker.bus.publish('core/retained', 'x', { retain: true });
    const replay: BusMessage[] = [];
    broker.bus.subscribe('+/config', (m) => replay.push(m));
    broker.bus.subscribe('core/#', (m) => replay.push(m));
    await waitFor(() => replay.length === 2, 2000, 'retained replay');
    expect(replay.map((m) => [m.topic, m.retain, m.clientId])).toEqual(
      expect.arrayContaining([
        ['plug-1/config', true, 'plug-1'],
        ['core/retained', true, null],
      ]),
    );
    await expect(broker.bus.publish('a/+/b', 'x')).rejects.toThrow(/invalid publish topic/);
    expect(() => broker.bus.subscribe('a/#/b', () => {})).toThrow(/invalid topic filter/);
  });

  it('a throwing bus subscriber is logged and does not stop delivery to others', async () => {
    await start();
    const seen: string[] = [];
    broker.bus.subscribe('x/#', () => {
      throw new Error('boom');
    });
    broker.bus.subscribe('x/#', (m) => seen.push(m.topic));
    await broker.bus.publish('x/1', '1');
    await waitFor(() => seen.length === 1, 1000, 'delivery');
    expect(lines.some((l) => l.msg === 'bus subscriber threw' && l.obj.reason === 'boom')).toBe(true);
  });

  it('refuses a payload over the limit and disconnects the client', async () => {
    await start({ maxPayloadBytes: 1024 });
    const seen: BusMessage[] = [];
    broker.bus.subscribe('#', (m) => seen.push(m));
    const { client } = await device('plug-1', { publish: ['plug-1/#'], subscribe: [] });
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    client.publish('plug-1/big', Buffer.alloc(2048, 1));
    await closed;
    await sleep(50);
    expect(seen).toEqual([]);
    expect(broker.stats().dropped).toBe(1);
    expect(lines.some((l) => l.obj.reason === 'payload over limit' && l.obj.clientId === 'plug-1')).toBe(
      true,
    );
  });

  it('cuts a connection that announces a 1 MB frame before the body is buffered', async () => {
    await start({ maxPayloadBytes: 1024 });
    const socket = tcpConnect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    // PUBLISH header with remaining length 1,048,576 (varint 0x80 0x80 0x40), then nothing
    socket.write(Buffer.from([0x30, 0x80, 0x80, 0x40]));
    await new Promise((r) => socket.once('close', r));
    expect(broker.stats().dropped).toBe(1);
    expect(lines.some((l) => l.obj.reason === 'frame over size limit' && l.obj.declared === 1_048_576)).toBe(
      true,
    );
  });

  it('rate-limits each client by slowing it down: every message arrives, in order, none acked and dropped', async () => {
    await start({ maxMsgsPerSecPerClient: 5 });
    const seen: BusMessage[] = [];
    broker.bus.subscribe('plug-1/#', (m) => seen.push(m));
    const { client } = await device('plug-1', { publish: ['plug-1/#'], subscribe: [] });
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) client.publish('plug-1/n', String(i));
    await waitFor(() => seen.length === 20, 6000, 'all 20 delivered');
    // 5 at once, then 5/s: the last one waits ~3 s for its turn
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2500);
    expect(seen.map((m) => m.payload.toString())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(broker.stats().slowed).toBe(15);
    expect(broker.stats().dropped).toBe(0);
    expect(client.connected).toBe(true);
    expect(lines.filter((l) => l.obj.reason === 'rate limit').length).toBe(1); // throttled log
  });

  it('refuses connections beyond maxConnections', async () => {
    await start({ maxConnections: 1 });
    await device('plug-1', { publish: ['plug-1/#'], subscribe: [] });
    const cred = await broker.issueCredential('plug-2', { publish: [], subscribe: [] });
    const err = await connectClient(port, {
      clientId: 'plug-2',
      username: 'plug-2',
      password: cred.password,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(lines.some((l) => l.obj.reason === 'connection limit')).toBe(true);
  });

  it('stop() closes clients and the listener and leaves no timers behind', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await start();
    const { client } = await device('plug-1', { publish: ['plug-1/#'], subscribe: [] });
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    await Promise.all(clients.splice(0).map((c) => c.end(true) && undefined));
    await broker.stop();
    await closed;
    await sleep(20);
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBeLessThanOrEqual(before);
    const refused = await connectClient(port, { clientId: 'x', username: 'x', password: 'y' }).catch(
      (e: unknown) => e,
    );
    expect((refused as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    broker = createBroker({
      host: '127.0.0.1',
      port: 0,
      credentials: createMemoryCredentialStore(),
      log: recordingLogger(),
    });
  });
});

const MOSQUITTO_PUB = '/usr/bin/mosquitto_pub';
describe.skipIf(!programAvailable(MOSQUITTO_PUB, 'Debian mosquitto-clients'))(
  'broker with an independent client (Debian mosquitto_pub)',
  () => {
    afterEach(() => broker.stop());

    const run = (args: string[]): Promise<number> =>
      new Promise((resolve) => {
        const child = spawn(MOSQUITTO_PUB, args, { stdio: 'ignore' });
        child.on('exit', (code) => resolve(code ?? -1));
      });

    it('accepts mosquitto_pub with issued credentials and refuses it without them', async () => {
      await start();
      const seen: BusMessage[] = [];
      broker.bus.subscribe('sensor-7/#', (m) => seen.push(m));
      const cred = await broker.issueCredential('sensor-7', { publish: ['sensor-7/#'], subscribe: [] });
      const base = ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-q', '1'];
      expect(
        await run([
          ...base,
          '-i',
          'sensor-7',
          '-u',
          'sensor-7',
          '-P',
          cred.password,
          '-t',
          'sensor-7/t',
          '-m',
          '21.5',
        ]),
      ).toBe(0);
      await waitFor(() => seen.length === 1, 2000, 'mosquitto_pub message');
      expect(Buffer.from(seen[0]!.payload).toString()).toBe('21.5');
      expect(seen[0]!.clientId).toBe('sensor-7');
      expect(await run([...base, '-i', 'sensor-7', '-t', 'sensor-7/t', '-m', 'anon'])).not.toBe(0);
      expect(
        await run([...base, '-i', 'sensor-7', '-u', 'sensor-7', '-P', 'bad', '-t', 'sensor-7/t', '-m', 'x']),
      ).not.toBe(0);
      expect(seen.length).toBe(1);
      expect(broker.stats().deniedAuth).toBe(2);
    });
  },
);
