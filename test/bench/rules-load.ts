/**
 * The load generator of the rules benchmark, the same for both engines: it publishes sensor states
 * as the devices and times each trigger until the command reaches the actuator device. Each engine
 * supplies a `LoadDriver`: how its devices publish and where its commands arrive.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { percentile } from './bench-kit.ts';

export const REPO = join(import.meta.dirname, '..', '..');
export const NODE = join(REPO, 'node_modules', '.bin', 'node');

export interface LoadDriver {
  /** sensor `entity` reports `value`, published by the device that owns it */
  publishState(entity: number, value: string): void;
  /** `fn(j)` on every command that reaches switch j */
  onCommand(fn: (j: number) => void): void;
  close(): Promise<void>;
}

export interface LoadShape {
  rules: number;
  entities: number;
  rate: number;
  pacedSeconds: number;
  warmupSeconds: number;
  window: number;
  saturationSeconds: number;
}

export interface EngineResult {
  p50: number;
  p99: number;
  lost: number;
  throughput: number;
  stalls: number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Drives one engine: readiness probe, paced latency phase, flood throughput phase. */
export async function measure(devices: LoadDriver, shape: LoadShape): Promise<EngineResult> {
  const { rules: RULES, entities: ENTITIES, rate: RATE, window: WINDOW } = shape;
  const {
    pacedSeconds: PACED_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    saturationSeconds: SATURATION_SECONDS,
  } = shape;
  const pending: number[][] = Array.from({ length: RULES }, () => []);
  const latencies: number[] = [];
  let received = 0;
  let onCommand: (() => void) | null = null;
  devices.onCommand((j) => {
    const now = performance.now();
    received++;
    const sent = pending[j]?.shift();
    if (sent !== undefined) latencies.push(now - sent);
    onCommand?.();
  });
  let seq = 0;
  const publishState = (entity: number) => devices.publishState(entity, String(++seq));
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
  onCommand = () => {
    completed++;
    inflight = Math.max(0, inflight - 1);
    top();
  };
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
  onCommand = null;
  return { p50, p99, lost, throughput, stalls };
}
