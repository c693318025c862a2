/**
 * Wi-Fi device ingest: 100 and 1,000 simulated Tasmota devices publishing tele/<t>/SENSOR at a
 * fixed total rate, QoS0 and QoS1, through Truss's whole path (embedded broker with per-device
 * auth and ACLs -> MQTT adapter's Tasmota family -> state store -> time-series buffer), beside
 * Debian's mosquitto relaying the same load from the same fleet process to one plain subscriber.
 * Latency is send time (carried in the payload) to the state change in the core / the message
 * at the subscriber.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { loadConfig } from '../../main/core/config/load-config.ts';
import { silentLogger } from '../../main/core/log/logger.ts';
import { startTruss } from '../../main/host/compose.ts';
import { percentile, type BenchFigure, type BenchReport } from './bench-kit.ts';

const RATE = 4000;
const SECONDS = 5;
const DRAIN_MS = 3000;
const WARMUP_SECONDS = 2;
const FLEETS = [100, 1000];

const now = (): number => performance.timeOrigin + performance.now();
const latencyOf = (stamp: number): number => ((now() % 1e6) - stamp + 1e6) % 1e6;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface Device {
  id: string;
  mac: string;
  password: string | null;
}

const fleetOf = (n: number): Device[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `bench-${i}`,
    mac: `BE00${i.toString(16).padStart(8, '0')}`.toUpperCase(),
    password: null,
  }));

class Load {
  readonly child: ChildProcess;
  readonly #lines: AsyncIterator<string>;
  constructor(url: string, devices: Device[], announce: boolean) {
    this.child = spawn(process.execPath, [join(import.meta.dirname, 'mqtt-load.ts')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
    this.child.stdin!.write(`${JSON.stringify({ url, announce, devices })}\n`);
  }
  async #line(): Promise<string> {
    const n = await this.#lines.next();
    if (n.done) throw new Error('load process ended');
    return String(n.value);
  }
  async ready(): Promise<void> {
    if ((await this.#line()) !== 'ready') throw new Error('load process not ready');
  }
  async run(qos: 0 | 1, seconds = SECONDS): Promise<number> {
    this.child.stdin!.write(`run ${qos} ${RATE} ${seconds}\n`);
    return Number((await this.#line()).split(' ')[1]);
  }
  async quit(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.write('quit\n');
    await exited;
  }
}

interface Sample {
  sent: number;
  received: number;
  p50: number;
  p99: number;
}

async function measure(load: Load, qos: 0 | 1, sink: { lat: number[] }, seconds = SECONDS): Promise<Sample> {
  sink.lat = [];
  const sent = await load.run(qos, seconds);
  const deadline = now() + DRAIN_MS;
  while (sink.lat.length < sent && now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { sent, received: sink.lat.length, p50: percentile(sink.lat, 50), p99: percentile(sink.lat, 99) };
}

async function truss(n: number): Promise<Record<0 | 1, Sample>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'truss-bench-mqtt-'));
  const config = loadConfig(dataDir, { http: { port: 0 }, mqtt: { port: 0 }, demo: { enabled: false } });
  const running = await startTruss(config, silentLogger());
  const { core } = running;
  try {
    const devices = fleetOf(n);
    await Promise.all(
      devices.map(async (d) => {
        const t = d.id;
        const c = await core.use('broker').issueCredential(t, {
          publish: [`tasmota/discovery/${d.mac}/#`, `tele/${t}/#`, `stat/${t}/#`],
          subscribe: [`cmnd/${t}/#`],
        });
        d.password = c.password;
      }),
    );
    const sink = { lat: [] as number[] };
    core.bus.on('state.changed', ({ state }) => {
      if (typeof state.value === 'number') sink.lat.push(latencyOf(state.value));
    });
    const load = new Load(`mqtt://127.0.0.1:${core.mqttPort}`, devices, true);
    await load.ready();
    const adapters = core.adapters;
    const registry = core.use('registry');
    for (let i = 0; i < 600; i++) {
      await adapters.settled();
      if (devices.every((d) => registry.deviceByAddress('mqtt', `tasmota:${d.mac}`))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // warm-up: JIT, first state rows and the first history flush are not what a site sees all day
    await measure(load, 0, sink, WARMUP_SECONDS);
    const out = { 0: await measure(load, 0, sink), 1: await measure(load, 1, sink) };
    await load.quit();
    return out;
  } finally {
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function mosquitto(n: number): Promise<Record<0 | 1, Sample>> {
  const dir = mkdtempSync(join(tmpdir(), 'truss-bench-mosq-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      '',
    ].join('\n'),
  );
  const broker = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const sink = { lat: [] as number[] };
    const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: 'bench-sub',
      reconnectPeriod: 0,
    });
    sub.on('message', (_t, p) => {
      const body = JSON.parse(p.toString()) as { ENERGY: { Power: number } };
      sink.lat.push(latencyOf(body.ENERGY.Power));
    });
    const out = {} as Record<0 | 1, Sample>;
    const load = new Load(`mqtt://127.0.0.1:${port}`, fleetOf(n), false);
    await load.ready();
    await sub.subscribeAsync('tele/+/SENSOR', { qos: 0 });
    await measure(load, 0, sink, WARMUP_SECONDS);
    for (const qos of [0, 1] as const) {
      await sub.subscribeAsync('tele/+/SENSOR', { qos });
      out[qos] = await measure(load, qos, sink);
    }
    await load.quit();
    await sub.endAsync(true);
    return out;
  } finally {
    broker.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchReport> {
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  for (const n of FLEETS) {
    const t = await truss(n);
    const m = await mosquitto(n);
    for (const qos of [0, 1] as const) {
      const a = t[qos];
      const b = m[qos];
      const rateA = a.received / SECONDS;
      const rateB = b.received / SECONDS;
      figures.push(
        {
          label: `${n} devices QoS${qos}: delivered`,
          unit: 'msg/s',
          value: rateA,
          baseline: rateB,
          higherIsBetter: true,
          target: { description: ">= mosquitto's relay rate", met: rateA >= rateB * 0.99 },
        },
        {
          label: `${n} devices QoS${qos}: p50`,
          unit: 'ms',
          value: a.p50,
          baseline: b.p50,
          higherIsBetter: false,
        },
        {
          label: `${n} devices QoS${qos}: p99`,
          unit: 'ms',
          value: a.p99,
          baseline: b.p99,
          higherIsBetter: false,
        },
      );
      notes.push(
        `${n} devices QoS${qos}: Truss ${a.received}/${a.sent} reached the state store, mosquitto ${b.received}/${b.sent} reached its subscriber`,
      );
    }
  }
  notes.push(
    `offered load ${RATE} msg/s for ${SECONDS} s per row after a ${WARMUP_SECONDS} s warm-up, from one separate fleet process; Truss: per-device scrypt auth and ACLs, Tasmota parsing, state store and history buffer; mosquitto: Debian package, anonymous, defaults, one mqtt.js subscriber parsing JSON`,
  );
  return {
    name: 'MQTT device ingest (Truss full path vs mosquitto relay)',
    baselineName: 'mosquitto',
    figures,
    notes,
  };
}
