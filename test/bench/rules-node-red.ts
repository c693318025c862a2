/**
 * The Node-RED column of the rules benchmark: Node-RED 4 (installed on demand into .bench/node-red,
 * gitignored) running the equivalent flow as an MQTT client of its own fresh Debian mosquitto.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort, NODE, REPO, sleep, stop, type LoadDriver } from './rules-load.ts';

const NODE_RED_DIR = join(REPO, '.bench', 'node-red');
const NODE_RED = join(NODE_RED_DIR, 'node_modules', 'node-red', 'red.js');

export function ensureNodeRed(): string | null {
  if (existsSync(NODE_RED)) return null;
  mkdirSync(NODE_RED_DIR, { recursive: true });
  const r = spawnSync('npm', ['install', '--prefix', NODE_RED_DIR, 'node-red@4', '--no-audit', '--no-fund'], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0 || !existsSync(NODE_RED))
    return `Node-RED could not be installed into .bench/node-red (${(r.stderr || r.error?.message || 'npm failed').trim().split('\n').at(-1)})`;
  return null;
}

/** The equivalent flow: per rule an mqtt-in on the trigger topic and a function checking the condition entity. */
function nodeRedFlow(port: number, rules: number, entities: number): unknown[] {
  const nodes: unknown[] = [
    { id: 'tab', type: 'tab', label: 'bench' },
    {
      id: 'broker',
      type: 'mqtt-broker',
      name: 'bench',
      broker: '127.0.0.1',
      port: String(port),
      clientid: '',
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
    },
    {
      id: 'out',
      type: 'mqtt out',
      z: 'tab',
      name: '',
      topic: '',
      qos: '0',
      retain: 'false',
      broker: 'broker',
      x: 600,
      y: 40,
      wires: [],
    },
  ];
  for (let j = 0; j < rules; j++) {
    const trig = (2 * j) % entities;
    const cond = (2 * j + 1) % entities;
    nodes.push(
      {
        id: `in${j}`,
        type: 'mqtt in',
        z: 'tab',
        name: '',
        topic: `bench/s/${trig}`,
        qos: '0',
        datatype: 'auto',
        broker: 'broker',
        nl: false,
        rap: true,
        rh: 0,
        inputs: 0,
        x: 100,
        y: 40,
        wires: [[`fn${j}`]],
      },
      {
        id: `fn${j}`,
        type: 'function',
        z: 'tab',
        name: `rule ${j}`,
        func: `const c = flow.get('s${cond}'); if (c === undefined || !(Number(c) > -1)) return null; return { topic: 'bench/cmd/${j}', payload: '{"type":"set_level","level":${j % 100}}' };`,
        outputs: 1,
        x: 300,
        y: 40,
        wires: [['out']],
      },
      {
        id: `cin${j}`,
        type: 'mqtt in',
        z: 'tab',
        name: '',
        topic: `bench/s/${cond}`,
        qos: '0',
        datatype: 'auto',
        broker: 'broker',
        nl: false,
        rap: true,
        rh: 0,
        inputs: 0,
        x: 100,
        y: 80,
        wires: [[`cfn${j}`]],
      },
      {
        id: `cfn${j}`,
        type: 'function',
        z: 'tab',
        name: '',
        func: `flow.set('s${cond}', msg.payload); return null;`,
        outputs: 0,
        x: 300,
        y: 80,
        wires: [],
      },
    );
  }
  return nodes;
}

export async function startNodeRed(
  port: number,
  dir: string,
  rules: number,
  entities: number,
): Promise<ChildProcess> {
  const uiPort = await freePort();
  writeFileSync(join(dir, 'flows.json'), JSON.stringify(nodeRedFlow(port, rules, entities)));
  writeFileSync(
    join(dir, 'settings.js'),
    `module.exports = { uiHost: '127.0.0.1', uiPort: ${uiPort}, flowFile: 'flows.json', credentialSecret: false, httpAdminRoot: false, httpNodeRoot: false, logging: { console: { level: 'warn', metrics: false, audit: false } }, editorTheme: { tours: false } };\n`,
  );
  return spawn(NODE, [NODE_RED, '--userDir', dir, '--settings', join(dir, 'settings.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** A fresh mosquitto per engine, so one engine's backlog never reaches the other. */
export async function withBroker<T>(dir: string, fn: (url: string, port: number) => Promise<T>): Promise<T> {
  const port = await freePort();
  const conf = join(dir, `mosquitto-${port}.conf`);
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  try {
    await sleep(300);
    return await fn(`mqtt://127.0.0.1:${port}`, port);
  } finally {
    await stop(broker);
  }
}

async function connect(url: string, id: string): Promise<MqttClient> {
  const c = mqtt.connect(url, { clientId: id, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  return c;
}

/** The devices as Node-RED's flow knows them: one sensor client and one actuator client on mosquitto. */
export async function nodeRedDevices(url: string): Promise<LoadDriver> {
  const sensor = await connect(url, `bench-sensor-${process.pid}`);
  const actuator = await connect(url, `bench-actuator-${process.pid}`);
  let onCommand: (j: number) => void = () => {};
  actuator.on('message', (topic) => onCommand(Number(topic.slice(topic.lastIndexOf('/') + 1))));
  await actuator.subscribeAsync('bench/cmd/+');
  return {
    publishState: (entity, value) => sensor.publish(`bench/s/${entity}`, value),
    onCommand: (fn) => (onCommand = fn),
    async close() {
      await sensor.endAsync();
      await actuator.endAsync();
    },
  };
}

/** Node-RED with the equivalent flow on a fresh mosquitto, measured by `fn`, then stopped. */
export async function withNodeRed<T>(
  dir: string,
  rules: number,
  entities: number,
  fn: (devices: LoadDriver) => Promise<T>,
): Promise<T> {
  const nrDir = join(dir, 'node-red');
  mkdirSync(nrDir);
  return withBroker(dir, async (url, port) => {
    const child = await startNodeRed(port, nrDir, rules, entities);
    try {
      const devices = await nodeRedDevices(url);
      try {
        return await fn(devices);
      } finally {
        await devices.close();
      }
    } finally {
      await stop(child);
    }
  });
}
