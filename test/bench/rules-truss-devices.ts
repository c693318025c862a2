/**
 * The Truss column of the rules benchmark: a real Truss core in a child process
 * (rules-truss-runner.ts) and, in this process, the simulated devices as real mqtt.js clients of
 * its embedded broker, each with the credential the core issued it, announcing their sensors and
 * switches by Home Assistant discovery so the MQTT adapter registers them as entities.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { stop, type LoadDriver } from './rules-load.ts';
import {
  availabilityTopic,
  benchDeviceId,
  commandFilter,
  deviceOfSensor,
  discoveryMessages,
  SENSORS_PER_DEVICE,
  sensorStateTopic,
  SWITCHES_PER_DEVICE,
  switchCommandTopic,
} from './rules-topology.ts';

type RunnerMessage =
  | { t: 'credentials'; url: string; credentials: Array<{ username: string; password: string }> }
  | { t: 'ready'; entities: number }
  | { t: 'failed'; message: string };

function nextMessage<T extends RunnerMessage['t']>(
  child: ChildProcess,
  t: T,
  timeoutMs: number,
): Promise<Extract<RunnerMessage, { t: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`the Truss runner sent no ${t} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (m: RunnerMessage) => {
      if (m.t === t) done(null, m as Extract<RunnerMessage, { t: T }>);
      else if (m.t === 'failed') done(new Error(`Truss runner: ${m.message}`));
    };
    const onExit = (code: number | null) => done(new Error(`the Truss runner exited (${code}) before ${t}`));
    function done(err: Error | null, m?: Extract<RunnerMessage, { t: T }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export interface TrussSite {
  devices: LoadDriver;
  /** entities the MQTT adapter registered from the devices' discovery */
  entities: number;
  deviceCount: number;
}

/** Starts the core, brings the devices up on its broker, saves the rules, measures with `fn`, stops all. */
export async function withTruss<T>(
  sensors: number,
  rules: number,
  fn: (site: TrussSite) => Promise<T>,
): Promise<T> {
  const switches = rules;
  const deviceCount = Math.max(
    Math.ceil(sensors / SENSORS_PER_DEVICE),
    Math.ceil(switches / SWITCHES_PER_DEVICE),
  );
  const child = fork(
    join(import.meta.dirname, 'rules-truss-runner.ts'),
    [String(deviceCount), String(rules)],
    {
      execPath: process.execPath,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const clients: MqttClient[] = [];
  try {
    const { url, credentials } = await nextMessage(child, 'credentials', 60_000);
    const switchOfTopic = new Map<string, number>();
    for (let j = 0; j < switches; j++) switchOfTopic.set(switchCommandTopic(j), j);
    let onCommand: (j: number) => void = () => {};
    // The broker checks credentials a few at a time; connect in small batches.
    for (let d = 0; d < deviceCount; d += 20) {
      const batch = await Promise.all(
        credentials.slice(d, d + 20).map(async (cred, k) => {
          const dev = d + k;
          const client = await connectAsync(url, {
            clientId: benchDeviceId(dev),
            username: cred.username,
            password: cred.password,
            reconnectPeriod: 0,
            connectTimeout: 30_000,
            will: { topic: availabilityTopic(dev), payload: Buffer.from('offline'), qos: 1, retain: true },
          });
          client.on('message', (topic) => {
            const j = switchOfTopic.get(topic);
            if (j !== undefined) onCommand(j);
          });
          await client.subscribeAsync(commandFilter(dev), { qos: 0 });
          await Promise.all(
            discoveryMessages(dev, sensors, switches).map((m) =>
              client.publishAsync(m.topic, m.payload, { qos: 1, retain: true }),
            ),
          );
          await client.publishAsync(availabilityTopic(dev), 'online', { qos: 1, retain: true });
          return client;
        }),
      );
      clients.push(...batch);
    }
    child.send({ t: 'announced', sensors, switches });
    const { entities } = await nextMessage(child, 'ready', 180_000);
    const devices: LoadDriver = {
      publishState(entity, value) {
        clients[deviceOfSensor(entity)]!.publish(sensorStateTopic(entity), value, { qos: 0 });
      },
      onCommand: (f) => (onCommand = f),
      async close() {
        await Promise.all(clients.map((c) => c.endAsync()));
        clients.length = 0;
      },
    };
    return await fn({ devices, entities, deviceCount });
  } finally {
    await Promise.all(clients.map((c) => c.endAsync().catch(() => {})));
    await stop(child);
  }
}
