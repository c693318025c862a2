/**
 * Telemetry history against its floor, raw node:sqlite, measured in the same run:
 *  1. sustained ingest through `append` (batched flushes + rollups) vs prepared inserts of
 *     the same samples into a plain (entity, ts, value) table in transactions of the same size;
 *     p99 latency from append to commit;
 *  2. 30 days of 1-minute data for 100 entities (4.32 M samples): hourly and daily
 *     aggregates from our rollups vs a GROUP BY over the raw table.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openTimeSeriesStore } from '../../main/core/history/index.ts';
import type { TimeSeriesStore } from '../../main/core/history/index.ts';
import { median, mulberry32, nowMs, percentile, yieldToLoop } from './bench-kit.ts';
import type { BenchFigure, BenchReport } from './bench-kit.ts';

const ENTITIES = 100;
const BATCH = 10_000;
const INGEST_SECONDS = 8;
const PACED_RATE = 20_000;
const PACED_SECONDS = 4;
const QUERY_DAYS = 30;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ENTITY_IDS = Array.from({ length: ENTITIES }, (_, i) => `sensor.bench_${i}`);

/** Sample i: entities round-robin, each at 1 Hz from `start`. */
function sampleTs(start: number, i: number, stepMs: number): number {
  return start + Math.floor(i / ENTITIES) * stepMs;
}

function fileSize(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      total += statSync(f).size;
    } catch {
      // no WAL after a checkpointed close
    }
  }
  return total;
}

/** bytes in use by the database (WAL checkpointed first, free pages not counted) */
function liveBytes(file: string): number {
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const one = (pragma: string) => Number(Object.values(db.prepare(`PRAGMA ${pragma}`).get()!)[0]);
    return (one('page_count') - one('freelist_count')) * one('page_size');
  } finally {
    db.close();
  }
}

/** what background maintenance does to closed days, run to completion */
function packAll(store: TimeSeriesStore, file: string, end: number): void {
  const db = new DatabaseSync(file, { readOnly: true });
  const left = db.prepare('SELECT count(*) AS n FROM ts_raw_chunk WHERE packed = 0 AND t_max < ?');
  try {
    for (let pass = 0; pass < 10_000; pass++) {
      store.runMaintenance(end + 10 * MINUTE);
      if (Number((left.get(end) as { n: number }).n) === 0) return;
    }
    throw new Error('packing did not finish');
  } finally {
    db.close();
  }
}

/** 7 days of 100 sensors at one reading a minute in 0.1 steps, packed; beside the bare table */
function sensorFootprint(dir: string): {
  bytesPerSample: number;
  floorBytesPerSample: number;
  samples: number;
} {
  const days = 7;
  const samples = ((days * DAY) / MINUTE) * ENTITIES;
  const end = Math.floor(Date.now() / DAY) * DAY;
  const start = end - days * DAY;
  const file = join(dir, 'sensor-like.db');
  const floorFile = join(dir, 'sensor-like-floor.db');
  const store = openTimeSeriesStore({
    file,
    now: () => end,
    defaultRetention: { rawDays: 365, minuteDays: 365, hourDays: 730, dayDays: null },
  });
  const floor = openFloor(floorFile);
  const insert = floor.prepare('INSERT INTO raw (entity, ts, value) VALUES (?, ?, ?)');
  const rnd = mulberry32(5);
  const level = ENTITY_IDS.map(() => 18 + rnd() * 6);
  floor.exec('BEGIN');
  for (let k = 0; k < samples; k++) {
    const e = k % ENTITIES;
    // a slow drift with sensor noise, reported in 0.1 steps as most room sensors do
    level[e] = level[e]! + (rnd() - 0.5) * 0.2;
    const value = Math.round(level[e]! * 10) / 10;
    const ts = sampleTs(start, k, MINUTE);
    store.append(ENTITY_IDS[e]!, ts, value);
    insert.run(ENTITY_IDS[e]!, ts, value);
  }
  floor.exec('COMMIT');
  store.flush();
  packAll(store, file, end);
  store.close();
  floor.close();
  return {
    bytesPerSample: liveBytes(file) / samples,
    floorBytesPerSample: liveBytes(floorFile) / samples,
    samples,
  };
}

function openFloor(file: string): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec('CREATE TABLE raw (entity TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL)');
  return db;
}

interface IngestResult {
  rate: number;
  p99: number;
  p50: number;
  samples: number;
}

/** The floor: same samples, same batch size, prepared statement, one transaction per batch. */
async function ingestFloor(file: string, seconds: number): Promise<IngestResult> {
  const db = openFloor(file);
  const insert = db.prepare('INSERT INTO raw (entity, ts, value) VALUES (?, ?, ?)');
  const rnd = mulberry32(1);
  const start = Date.now() - DAY;
  const latencies: number[] = [];
  const batchEntity: string[] = [];
  const batchTs: number[] = [];
  const batchValue: number[] = [];
  let i = 0;
  const t0 = nowMs();
  const end = t0 + seconds * 1000;
  while (nowMs() < end) {
    const generatedAt = nowMs();
    for (let k = 0; k < BATCH; k++, i++) {
      batchEntity[k] = ENTITY_IDS[i % ENTITIES]!;
      batchTs[k] = sampleTs(start, i, 1000);
      batchValue[k] = 20 + rnd() * 5;
    }
    db.exec('BEGIN');
    for (let k = 0; k < BATCH; k++) insert.run(batchEntity[k]!, batchTs[k]!, batchValue[k]!);
    db.exec('COMMIT');
    // Samples of a batch are generated together, so they share one latency.
    latencies.push(nowMs() - generatedAt);
    await yieldToLoop();
  }
  const elapsed = (nowMs() - t0) / 1000;
  db.close();
  return { rate: i / elapsed, p99: percentile(latencies, 99), p50: percentile(latencies, 50), samples: i };
}

/**
 * Appends in bursts of `burst` samples, yielding between bursts so the flush timer runs;
 * `ratePerSecond` paces the producer (Infinity = as fast as the store takes them).
 * A burst's latency: its append time -> the first moment stats().written covers it.
 */
async function ingestStore(
  store: TimeSeriesStore,
  seconds: number,
  ratePerSecond: number,
  burst: number,
  start: number,
): Promise<IngestResult> {
  const rnd = mulberry32(1);
  const pending: { upTo: number; at: number }[] = [];
  const latencies: number[] = [];
  const settle = () => {
    const written = store.stats().written;
    const t = nowMs();
    while (pending.length > 0 && pending[0]!.upTo <= written) latencies.push(t - pending.shift()!.at);
  };
  let i = 0;
  const t0 = nowMs();
  const end = t0 + seconds * 1000;
  const base = store.stats().written;
  while (nowMs() < end) {
    const at = nowMs();
    for (let k = 0; k < burst; k++, i++)
      store.append(ENTITY_IDS[i % ENTITIES]!, sampleTs(start, i, 1000), 20 + rnd() * 5);
    pending.push({ upTo: base + i, at });
    settle();
    if (Number.isFinite(ratePerSecond)) {
      const due = t0 + (i / ratePerSecond) * 1000;
      while (nowMs() < due) {
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, due - nowMs()))));
        settle();
      }
    } else {
      await yieldToLoop();
      settle();
    }
  }
  // Wait for the timer to commit the tail, as in production (no explicit flush).
  while (pending.length > 0) {
    await new Promise((r) => setTimeout(r, 5));
    settle();
  }
  const elapsed = (nowMs() - t0) / 1000;
  return { rate: i / elapsed, p99: percentile(latencies, 99), p50: percentile(latencies, 50), samples: i };
}

function time<T>(work: () => T): { ms: number; result: T } {
  const t0 = nowMs();
  const result = work();
  return { ms: nowMs() - t0, result };
}

export async function run(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'truss-bench-ts-'));
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  try {
    // 1. Sustained ingest.
    const floorIngest = await ingestFloor(join(dir, 'floor-ingest.db'), INGEST_SECONDS);
    const storeFile = join(dir, 'store-ingest.db');
    const store = openTimeSeriesStore({ file: storeFile });
    const ours = await ingestStore(store, INGEST_SECONDS, Infinity, 1000, Date.now() - DAY);
    const paced = await ingestStore(store, PACED_SECONDS, PACED_RATE, 200, Date.now() - 2 * DAY);
    const flushMs = store.stats().lastFlushMs;
    store.close();
    const ratio = ours.rate / floorIngest.rate;
    figures.push(
      {
        label: 'ingest, append + flush + rollups',
        unit: 'samples/s',
        value: ours.rate,
        baseline: floorIngest.rate,
        higherIsBetter: true,
        target: {
          description: '>= 50% of floor and >= 20,000/s',
          met: ratio >= 0.5 && ours.rate >= 20_000,
        },
      },
      {
        label: 'ingest p50 append->commit',
        unit: 'ms',
        value: ours.p50,
        baseline: floorIngest.p50,
        higherIsBetter: false,
      },
      {
        label: 'ingest p99 append->commit',
        unit: 'ms',
        value: ours.p99,
        baseline: floorIngest.p99,
        higherIsBetter: false,
      },
      {
        label: `paced ${PACED_RATE.toLocaleString('en-US')}/s p99 append->commit`,
        unit: 'ms',
        value: paced.p99,
        higherIsBetter: false,
        target: { description: 'within the 1 s durability window', met: paced.p99 < 1000 },
      },
    );
    notes.push(
      `ingest: ${ENTITIES} entities at 1 Hz each, ${INGEST_SECONDS} s per side; floor = prepared INSERT into a plain ` +
        `(entity TEXT, ts, value) table, no index, ${BATCH.toLocaleString('en-US')}-sample transactions; ours = ` +
        `append() in bursts of 1,000 with the event loop free between bursts, maxBatch ${BATCH.toLocaleString('en-US')}, ` +
        `timer 250 ms, raw chunks + minute/hour/day rollups in the same transaction (last flush ${flushMs.toFixed(1)} ms).`,
      `paced run: ${PACED_RATE.toLocaleString('en-US')} samples/s for ${PACED_SECONDS} s, committed by the 250 ms timer ` +
        `(p50 ${paced.p50.toFixed(0)} ms).`,
    );

    // 2. 30 days of 1-minute data for 100 entities.
    const perEntity = (QUERY_DAYS * DAY) / MINUTE;
    const total = perEntity * ENTITIES;
    const end = Math.floor(Date.now() / DAY) * DAY;
    const start = end - QUERY_DAYS * DAY;
    const floorFile = join(dir, 'floor-query.db');
    const floor = openFloor(floorFile);
    const insert = floor.prepare('INSERT INTO raw (entity, ts, value) VALUES (?, ?, ?)');
    const rnd = mulberry32(2);
    const floorLoad = time(() => {
      for (let i = 0; i < total; i += BATCH) {
        floor.exec('BEGIN');
        for (let k = i; k < Math.min(total, i + BATCH); k++) {
          insert.run(ENTITY_IDS[k % ENTITIES]!, sampleTs(start, k, MINUTE), 20 + rnd() * 5);
        }
        floor.exec('COMMIT');
      }
    });
    const qFile = join(dir, 'store-query.db');
    // Every tier kept for the whole month, so the footprint below counts all 4.32 M samples.
    const keepAll = { rawDays: 365, minuteDays: 365, hourDays: 730, dayDays: null };
    const qStore = openTimeSeriesStore({ file: qFile, now: () => end, defaultRetention: keepAll });
    const rnd2 = mulberry32(2);
    const ourLoad = time(() => {
      for (let k = 0; k < total; k++)
        qStore.append(ENTITY_IDS[k % ENTITIES]!, sampleTs(start, k, MINUTE), 20 + rnd2() * 5);
      qStore.flush();
    });
    figures.push({
      label: 'bulk load 1/min backfill, append + flush',
      unit: 'samples/s',
      value: total / (ourLoad.ms / 1000),
      baseline: total / (floorLoad.ms / 1000),
      higherIsBetter: true,
    });
    notes.push(
      `query data: ${total.toLocaleString('en-US')} samples (${QUERY_DAYS} d x 1/min x ${ENTITIES} entities); bulk load ` +
        `${Math.round(total / (ourLoad.ms / 1000)).toLocaleString('en-US')}/s ours vs ` +
        `${Math.round(total / (floorLoad.ms / 1000)).toLocaleString('en-US')}/s floor; file ` +
        `${(fileSize(qFile) / 1e6).toFixed(0)} MB ours (raw + rollups) vs ${(fileSize(floorFile) / 1e6).toFixed(0)} MB floor.`,
    );

    const floorGroupBy = (bucketMs: number) =>
      floor
        .prepare(
          `SELECT entity, (ts / ${bucketMs}) * ${bucketMs} AS bucket, min(value) AS min, max(value) AS max,
                  avg(value) AS mean, count(*) AS count
           FROM raw WHERE ts >= ? AND ts < ? GROUP BY entity, bucket`,
        )
        .all(start, end);
    const ourRollups = (resolution: 'hour' | 'day') => {
      let points = 0;
      for (const entityId of ENTITY_IDS)
        points += qStore.query({ entityId, from: start, to: end - 1, resolution }).points.length;
      return points;
    };
    const ourMedians: Record<string, number> = {};
    for (const [resolution, bucketMs] of [
      ['hour', HOUR],
      ['day', DAY],
    ] as const) {
      const floorRuns: number[] = [];
      const ourRuns: number[] = [];
      let floorRows = 0;
      let ourPoints = 0;
      for (let r = 0; r < 3; r++) {
        const f = time(() => floorGroupBy(bucketMs));
        floorRuns.push(f.ms);
        floorRows = f.result.length;
        const o = time(() => ourRollups(resolution));
        ourRuns.push(o.ms);
        ourPoints = o.result;
      }
      if (floorRows !== ourPoints)
        throw new Error(`${resolution}: floor gave ${floorRows} rows, ours ${ourPoints}`);
      // Same answer, not just the same size: compare one entity's aggregates with the floor's.
      const expected = (
        floorGroupBy(bucketMs) as { entity: string; bucket: number; mean: number; count: number }[]
      )
        .filter((row) => row.entity === ENTITY_IDS[0])
        .sort((a, b) => a.bucket - b.bucket);
      const got = qStore.query({ entityId: ENTITY_IDS[0]!, from: start, to: end - 1, resolution }).points;
      const mismatch = expected.findIndex(
        (row, k) =>
          got[k]?.ts !== row.bucket ||
          got[k]?.count !== row.count ||
          Math.abs(got[k]!.mean - row.mean) > 1e-9,
      );
      if (mismatch !== -1 || got.length !== expected.length)
        throw new Error(`${resolution}: rollups differ from raw`);
      ourMedians[resolution] = median(ourRuns);
      figures.push({
        label: `30 d ${resolution === 'day' ? 'daily' : 'hourly'} aggregates, 100 entities (${ourPoints.toLocaleString('en-US')} pts)`,
        unit: 'ms (median of 3)',
        value: median(ourRuns),
        baseline: median(floorRuns),
        higherIsBetter: false,
      });
    }
    // The chart path: 'auto' over the month for one entity.
    const auto = time(() =>
      qStore.query({
        entityId: ENTITY_IDS[0]!,
        from: start,
        to: end - 1,
        resolution: 'auto',
        maxPoints: 1000,
      }),
    );
    notes.push(
      `aggregate query: ours = 100 x query() on stored rollups (also returning last); floor = one GROUP BY ` +
        `entity, bucket over the raw table (no 'last'). 'auto' over 30 d for one entity (maxPoints 1000) picked ` +
        `'${auto.result.resolution}' (${auto.result.points.length} pts) in ${auto.ms.toFixed(1)} ms.`,
    );

    // 3. Footprint: pack the closed days as maintenance does in the background, then bytes per
    //    sample on disk beside the bare table, and the same aggregates again (no slower).
    const unpacked = liveBytes(qFile);
    const packTime = time(() => packAll(qStore, qFile, end));
    const packed = liveBytes(qFile);
    const floorBytes = liveBytes(floorFile);
    figures.push({
      label: 'on disk per sample, 30 d x 100 entities, full-precision random doubles',
      unit: 'bytes',
      value: packed / total,
      baseline: floorBytes / total,
      higherIsBetter: false,
    });
    for (const resolution of ['hour', 'day'] as const) {
      const runs = [0, 1, 2].map(() => time(() => ourRollups(resolution)).ms);
      figures.push({
        label: `30 d ${resolution === 'day' ? 'daily' : 'hourly'} aggregates after packing`,
        unit: 'ms (median of 3)',
        value: median(runs),
        baseline: ourMedians[resolution]!,
        higherIsBetter: false,
      });
    }
    const sensorLike = sensorFootprint(dir);
    figures.push({
      label: 'on disk per sample, 7 d x 100 sensors at 0.1 resolution',
      unit: 'bytes',
      value: sensorLike.bytesPerSample,
      baseline: sensorLike.floorBytesPerSample,
      higherIsBetter: false,
    });
    notes.push(
      `footprint (live pages, WAL checkpointed; raw + minute/hour/day rollups): ${(unpacked / total).toFixed(1)} B/sample ` +
        `as ingest writes it, ${(packed / total).toFixed(2)} B/sample once closed days are packed ` +
        `(${(packTime.ms / 1000).toFixed(1)} s to pack the month; baseline = the bare (entity, ts, value) table, ` +
        `${(floorBytes / total).toFixed(1)} B/sample, no index). The month's values are random full-precision ` +
        `doubles (20 + 5 * rnd()), the worst case for XOR packing; sensors reporting 0.1 steps (temperatures, ` +
        `humidity) pack to ${sensorLike.bytesPerSample.toFixed(2)} B/sample all tiers included ` +
        `(${sensorLike.samples.toLocaleString('en-US')} samples). Aggregates after packing read the per-day blocks ` +
        `(baseline = the same query before packing, this run).`,
    );
    floor.close();
    qStore.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    name: 'time-series store (main/core/history)',
    baselineName: 'raw node:sqlite floor',
    figures,
    notes,
  };
}
