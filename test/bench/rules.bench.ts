/**
 * Rules: trigger-to-command latency and sustained evaluations, measured from the simulated
 * devices' side (a sensor client publishes a state, an actuator client receives the command),
 * for Truss's rules engine and for Node-RED running the equivalent flow, in the same run, on
 * the same Debian mosquitto. Both engines are MQTT clients of that broker in their own process,
 * so the columns compare the engines, not the brokers. (The path through Truss's own broker and
 * adapter is covered end to end by test/integration/rules and the e2e spec.)
 *
 * Load: 500 rules over 1,000 entities. Rule j triggers on a change of entity 2j, checks a
 * numeric condition on entity 2j+1 and commands actuator j. Phase 1 paces 1,000 state changes/s
 *  (half of them triggers) and records each trigger's latency; phase 2 publishes triggers
 * in a closed loop (a fixed number in flight) and counts the commands that come back per second.
 *
 * Node-RED is not a dependency: it is installed on demand into .bench/node-red (gitignored);
 * when that fails the Node-RED column is left empty and the report says why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { percentile } from './bench-kit.ts';
import type { BenchFigure, BenchReport } from './bench-kit.ts';

const RULES = 500;
const ENTITIES = 1000;
const RATE = 1000;
const PACED_SECONDS = 10;
const WARMUP_SECONDS = 3;
const WINDOW = 200;
const SATURATION_SECONDS = 8;
const REPO = join(import.meta.dirname, '..', '..');
const NODE = join(REPO, 'node_modules', '.bin', 'node');
const NODE_RED_DIR = join(REPO, '.bench', 'node-red');
const NODE_RED = join(NODE_RED_DIR, 'node_modules', 'node-red', 'red.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function connect(url: string, id: string): Promise<MqttClient> {
  const c = mqtt.connect(url, { clientId: id, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  return c;
}

function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function ensureNodeRed(): string | null {
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
function nodeRedFlow(port: number): unknown[] {
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
  for (let j = 0; j < RULES; j++) {
    const trig = (2 * j) % ENTITIES;
    const cond = (2 * j + 1) % ENTITIES;
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

interface EngineResult {
  p50: number;
  p99: number;
  lost: number;
  throughput: number;
  stalls: number;
}

/** Drives one engine: readiness probe, paced latency phase, flood throughput phase. */
async function measure(url: string): Promise<EngineResult> {
  const sensor = await connect(url, `bench-sensor-${process.pid}`);
  const actuator = await connect(url, `bench-actuator-${process.pid}`);
  const pending: number[][] = Array.from({ length: RULES }, () => []);
  const latencies: number[] = [];
  let received = 0;
  actuator.on('message', (topic) => {
    const now = performance.now();
    received++;
    const j = Number(topic.slice(topic.lastIndexOf('/') + 1));
    const sent = pending[j]?.shift();
    if (sent !== undefined) latencies.push(now - sent);
  });
  await actuator.subscribeAsync('bench/cmd/+');
  let seq = 0;
  const publishState = (entity: number) => sensor.publish(`bench/s/${entity}`, String(++seq));
  // Conditions need a value (sent again each probe: an engine may subscribe late); then wait until rule 0 answers.
  const readyBy = Date.now() + 60_000;
  for (;;) {
    const before = received;
    for (let j = 0; j < RULES; j++) publishState((2 * j + 1) % ENTITIES);
    await sleep(50);
    publishState(0);
    await sleep(200);
    if (received > before) break;
    if (Date.now() > readyBy) throw new Error('the engine never answered');
  }
  // Phase 1: 1,000 changes/s, alternating trigger and condition entities, in 10 ms slices; the
  // first WARMUP_SECONDS let both engines' JITs settle and are not counted.
  const perSlice = RATE / 100;
  let start = performance.now();
  let n = 0;
  for (let slice = 0; slice < (WARMUP_SECONDS + PACED_SECONDS) * 100; slice++) {
    if (slice === WARMUP_SECONDS * 100) {
      await sleep(1000);
      pending.forEach((p) => (p.length = 0));
      latencies.length = 0;
      start = performance.now() - slice * 10;
      n = 0;
    }
    const due = start + slice * 10;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    for (let k = 0; k < perSlice; k++, n++) {
      const j = Math.floor(n / 2) % RULES;
      if (n % 2 === 0) {
        pending[j]!.push(performance.now());
        publishState((2 * j) % ENTITIES);
      } else publishState((2 * j + 1) % ENTITIES);
    }
  }
  await sleep(2000);
  const sentTriggers = Math.ceil(n / 2);
  const lost = sentTriggers - latencies.length;
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);

  // Phase 2: closed loop, WINDOW triggers in flight: each command that comes back releases the
  // next trigger. Completions per second over SATURATION_SECONDS is the sustained rate; a flood
  // would only measure the broker's queues. A stall (nothing back for 1 s) refills the window.
  let inflight = 0;
  let completed = 0;
  let stalls = 0;
  let i = 0;
  const top = () => {
    while (inflight < WINDOW) {
      inflight++;
      publishState((2 * (i++ % RULES)) % ENTITIES);
    }
  };
  const onCommand = () => {
    completed++;
    inflight = Math.max(0, inflight - 1);
    top();
  };
  actuator.on('message', onCommand);
  const t0 = performance.now();
  top();
  let lastCompleted = 0;
  while (performance.now() - t0 < SATURATION_SECONDS * 1000) {
    await sleep(1000);
    if (completed === lastCompleted) {
      stalls++;
      inflight = 0;
      top();
    }
    lastCompleted = completed;
  }
  const throughput = (completed / (performance.now() - t0)) * 1000;
  actuator.off('message', onCommand);
  await sensor.endAsync();
  await actuator.endAsync();
  return { p50, p99, lost, throughput, stalls };
}

async function startTruss(url: string): Promise<ChildProcess> {
  const child = spawn(
    NODE,
    [join(import.meta.dirname, 'rules-truss-runner.ts'), url, String(RULES), String(ENTITIES)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`truss runner exited ${code}`)));
  });
  return child;
}

async function startNodeRed(port: number, dir: string): Promise<ChildProcess> {
  const uiPort = await freePort();
  writeFileSync(join(dir, 'flows.json'), JSON.stringify(nodeRedFlow(port)));
  writeFileSync(
    join(dir, 'settings.js'),
    `module.exports = { uiHost: '127.0.0.1', uiPort: ${uiPort}, flowFile: 'flows.json', credentialSecret: false, httpAdminRoot: false, httpNodeRoot: false, logging: { console: { level: 'warn', metrics: false, audit: false } }, editorTheme: { tours: false } };\n`,
  );
  return spawn(NODE, [NODE_RED, '--userDir', dir, '--settings', join(dir, 'settings.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** A fresh mosquitto per engine, so one engine's backlog never reaches the other. */
async function withBroker<T>(dir: string, fn: (url: string, port: number) => Promise<T>): Promise<T> {
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

export async function run(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'truss-rules-bench-'));
  const notes: string[] = [
    `${RULES} rules over ${ENTITIES} entities; ${RATE} state changes/s for ${PACED_SECONDS} s after ${WARMUP_SECONDS} s of warm-up (half trigger a rule), then ${SATURATION_SECONDS} s closed-loop with ${WINDOW} triggers in flight`,
    'latency: sensor client publish -> actuator client receives the command; each engine on its own fresh Debian mosquitto',
  ];
  let red: EngineResult | null = null;
  let truss: EngineResult;
  try {
    // Node-RED first, so any warmth of the machine favours it, not us.
    const why = ensureNodeRed();
    if (why) notes.push(`Node-RED column skipped: ${why}`);
    else {
      const nrDir = join(dir, 'node-red');
      mkdirSync(nrDir);
      try {
        red = await withBroker(dir, async (url, port) => {
          const child = await startNodeRed(port, nrDir);
          try {
            return await measure(url);
          } finally {
            await stop(child);
          }
        });
        notes.push(
          `Node-RED 4 (from .bench/node-red): per rule an mqtt-in and a function node reading the condition from flow context; ${red.stalls} stall(s) of 1 s in the closed loop`,
        );
      } catch (err) {
        notes.push(`Node-RED column skipped: ${(err as Error).message}`);
      }
    }
    truss = await withBroker(dir, async (url) => {
      const child = await startTruss(url);
      try {
        return await measure(url);
      } finally {
        await stop(child);
      }
    });
    notes.push(`Truss: ${truss.stalls} stall(s) of 1 s in the closed loop`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const figures: BenchFigure[] = [
    {
      label: 'trigger-to-command latency p50',
      unit: 'ms',
      value: truss.p50,
      higherIsBetter: false,
      ...(red ? { baseline: red.p50 } : {}),
    },
    {
      label: 'trigger-to-command latency p99',
      unit: 'ms',
      value: truss.p99,
      higherIsBetter: false,
      ...(red
        ? {
            baseline: red.p99,
            target: { description: '<= 1/3 of Node-RED p99', met: truss.p99 <= red.p99 / 3 },
          }
        : {}),
    },
    {
      label: 'sustained rule evaluations',
      unit: 'runs/s',
      value: truss.throughput,
      higherIsBetter: true,
      ...(red
        ? {
            baseline: red.throughput,
            target: { description: '>= 3x Node-RED', met: truss.throughput >= 3 * red.throughput },
          }
        : {}),
    },
    {
      label: 'commands lost at 1,000 changes/s',
      unit: 'count',
      value: truss.lost,
      higherIsBetter: false,
      ...(red ? { baseline: red.lost } : {}),
    },
  ];
  return {
    name: 'rules engine vs Node-RED',
    baselineName: red ? 'Node-RED' : 'Node-RED (skipped)',
    figures,
    notes,
  };
}
