/**
 * Reconnect storm after a restart (issue 14 §5 floods (b)): 2,000 known devices reconnect at once
 * while a flood of CONNECTs with random usernames runs. Baseline, in the same run: the same storm
 * when every login is a scrypt check (credentials as first issued). Target: all back in < 10 s.
 */
import mqtt from 'mqtt';
import { createBroker, createMemoryCredentialStore, type Broker } from '../../main/core/broker/index.ts';
import { generatePassword, hashPassword } from '../../main/core/auth/password.ts';
import { silentLogger } from '../../main/core/log/logger.ts';
import type { BenchReport } from './bench-kit.ts';

const DEVICES = 2000;
const FLOOD = 400;

async function storm(
  broker: Broker,
  port: number,
  password: string,
): Promise<{ seconds: number; refusedFirstTry: number }> {
  const t0 = performance.now();
  let refusedFirstTry = 0;
  const clients: mqtt.MqttClient[] = [];
  // the flood: random usernames, each costs the broker a scrypt burn
  const flood = Array.from({ length: FLOOD }, () =>
    mqtt.connect(`mqtt://127.0.0.1:${port}`, {
      clientId: `x${generatePassword().slice(0, 10)}`,
      username: `x${generatePassword().slice(0, 10)}`,
      password: 'nope',
      reconnectPeriod: 0,
      connectTimeout: 30_000,
    }),
  );
  for (const f of flood) f.on('error', () => undefined);
  await Promise.all(
    Array.from({ length: DEVICES }, (_, i) => {
      const id = `dev-${i}`;
      return new Promise<void>((resolve) => {
        let first = true;
        const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
          clientId: id,
          username: id,
          password,
          reconnectPeriod: 500,
          connectTimeout: 30_000,
        });
        clients.push(c);
        c.on('error', () => {
          if (first) refusedFirstTry++;
          first = false;
        });
        c.once('connect', () => resolve());
      });
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  for (const f of flood) f.end(true);
  await Promise.all(clients.map((c) => c.endAsync(true)));
  void broker;
  return { seconds, refusedFirstTry };
}

export async function run(): Promise<BenchReport> {
  const store = createMemoryCredentialStore();
  const password = generatePassword();
  const scryptHash = await hashPassword(password, 'device');
  for (let i = 0; i < DEVICES; i++)
    await store.put({
      username: `dev-${i}`,
      passwordHash: scryptHash,
      publish: [`dev-${i}/#`],
      subscribe: [],
      createdAt: Date.now(),
    });

  const first = createBroker({
    host: '127.0.0.1',
    port: 0,
    credentials: store,
    log: silentLogger(),
    limits: { maxConnections: 5000 },
  });
  const { port } = await first.start();
  // every device verified by scrypt: the situation before this change, after each restart
  const baseline = await storm(first, port, password);
  await first.stop();

  // restart: the same credential store, now holding each device's fast verifier
  const second = createBroker({
    host: '127.0.0.1',
    port: 0,
    credentials: store,
    log: silentLogger(),
    limits: { maxConnections: 5000 },
  });
  const { port: port2 } = await second.start();
  const after = await storm(second, port2, password);
  await second.stop();

  return {
    name: `reconnect storm: ${DEVICES} devices + ${FLOOD} random-username CONNECTs`,
    baselineName: 'every login a scrypt check',
    figures: [
      {
        label: 'all devices back',
        unit: 's',
        value: after.seconds,
        higherIsBetter: false,
        baseline: baseline.seconds,
        target: { description: '< 10 s', met: after.seconds < 10 },
      },
      {
        label: 'devices refused on the first try',
        unit: 'devices',
        value: after.refusedFirstTry,
        higherIsBetter: false,
        baseline: baseline.refusedFirstTry,
      },
    ],
  };
}
