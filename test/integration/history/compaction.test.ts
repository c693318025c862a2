import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { openTimeSeriesStore } from '../../../main/core/history/index.ts';
import { MAX_PACKED_SAMPLES } from '../../../main/core/history/compaction.ts';
import { encodeChunk } from '../../../main/core/history/raw-chunk.ts';

/**
 * Closed days are packed by maintenance (raw samples in compressed chunks, minute and hour buckets
 * in one block per tier), on a real SQLite file: every query answers the same before and after,
 * late samples are folded in, the open day is left alone, and a file written before packing
 * existed opens and packs.
 */
const dir = mkdtempSync(join(tmpdir(), 'truss-compaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newFile = () => join(dir, `c${n++}.db`);

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const D = Date.UTC(2026, 10, 22); // the day that closes
const T0 = D + 21 * HOUR; // samples from 21:00 on D ...
const NOW = D + DAY + 20 * MIN; // ... to 00:10 on D+1; now 00:20: D closed, D+1 open

function tables(file: string) {
  const db = new DatabaseSync(file, { readOnly: true });
  const chunks = db
    .prepare(
      `SELECT s.entity_id AS entity, c.t_min AS tMin, c.n AS n, c.packed AS packed, length(c.data) AS bytes
       FROM ts_raw_chunk c JOIN ts_series s ON s.id = c.series ORDER BY s.entity_id, c.t_min`,
    )
    .all() as { entity: string; tMin: number; n: number; packed: number; bytes: number }[];
  const rows = db.prepare('SELECT res, bucket FROM ts_rollup').all() as { res: number; bucket: number }[];
  const blocks = db.prepare('SELECT res, day, n, length(data) AS bytes FROM ts_rollup_block').all() as {
    res: number;
    day: number;
    n: number;
    bytes: number;
  }[];
  db.close();
  return { chunks, rows, blocks };
}

const ENTITIES = ['sensor.power', 'sensor.temp'] as const;
const RESOLUTIONS = ['raw', 'minute', 'hour', 'day'] as const;

describe('packing closed days', () => {
  it('answers every query the same, packs the closed day, leaves the open day', () => {
    const file = newFile();
    const store = openTimeSeriesStore({ file, now: () => NOW });
    store.configure('sensor.power', { counter: false });
    // a flush after every few samples, as live ingest does (one small chunk each)
    for (let i = 0; i < 190; i++) {
      store.append('sensor.temp', T0 + i * MIN, Math.round((21 + Math.sin(i / 20)) * 10) / 10);
      store.append('sensor.power', T0 + i * MIN + (i % 7), 1000 + Math.random() * 50);
      store.append('sensor.power', T0 + i * MIN + 30_000, 1000 + Math.random() * 50);
      if (i % 3 === 0) store.flush();
    }
    store.flush();
    const askAll = () =>
      ENTITIES.flatMap((entityId) =>
        RESOLUTIONS.map((resolution) =>
          store.query({ entityId, from: T0, to: NOW, resolution, maxPoints: 20_000 }),
        ),
      );
    const autoAll = () =>
      [100, 500, 5000].map(
        (maxPoints) => store.query({ entityId: 'sensor.temp', from: T0, to: NOW, maxPoints }).resolution,
      );
    const before = askAll();
    const autoBefore = autoAll();
    expect(tables(file).chunks.length).toBeGreaterThan(100);

    store.runMaintenance(NOW);
    const { chunks, rows, blocks } = tables(file);
    for (const entity of ENTITIES) {
      const mine = chunks.filter((r) => r.entity === entity);
      expect(mine.filter((r) => r.tMin < D + DAY).map((r) => [r.n, r.packed])).toEqual([
        [entity === 'sensor.power' ? 360 : 180, 1],
      ]);
      expect(mine.filter((r) => r.tMin >= D + DAY).every((r) => r.packed === 0)).toBe(true);
    }
    // minute and hour rows of the closed day are in blocks now; the open day's stay rows
    expect(rows.filter((r) => r.res < 2 && r.bucket < D + DAY)).toEqual([]);
    expect(rows.some((r) => r.res === 0 && r.bucket >= D + DAY)).toBe(true);
    expect(blocks.map((b) => [b.res, b.day, b.n]).sort()).toEqual([
      [0, D, 180],
      [0, D, 180],
      [1, D, 3],
      [1, D, 3],
    ]);
    const temp = chunks.find((r) => r.entity === 'sensor.temp' && r.packed === 1)!;
    expect(temp.bytes / temp.n).toBeLessThan(2); // one-decimal temperatures: < 2 B a sample
    expect(askAll()).toEqual(before);
    expect(autoAll()).toEqual(autoBefore);
    store.close();
  });

  it('folds a late sample into its packed day, in time order, and keeps it across a restart', () => {
    const file = newFile();
    const store = openTimeSeriesStore({ file, now: () => NOW });
    for (let i = 0; i < 60; i++) {
      store.append('sensor.x', T0 + i * MIN, i);
      store.flush();
    }
    store.runMaintenance(NOW);
    expect(tables(file).chunks.map((r) => [r.n, r.packed])).toEqual([[60, 1]]);
    store.append('sensor.x', T0 + 90_000, 99.5); // late, between minute 1 and 2
    store.flush();
    expect(tables(file).chunks.map((r) => [r.n, r.packed])).toEqual([
      [60, 1],
      [1, 0],
    ]);
    const minuteBefore = store.query({
      entityId: 'sensor.x',
      from: T0,
      to: T0 + 3 * MIN,
      resolution: 'minute',
    });
    store.runMaintenance(NOW);
    const t = tables(file);
    expect(t.chunks.map((r) => [r.n, r.packed])).toEqual([[61, 1]]);
    expect(t.rows.filter((r) => r.res < 2)).toEqual([]);
    store.close();

    const again = openTimeSeriesStore({ file, now: () => NOW });
    const raw = again.query({ entityId: 'sensor.x', from: T0, to: T0 + 3 * MIN, resolution: 'raw' }).points;
    expect(raw.map((p) => [p.ts - T0, p.last])).toEqual([
      [0, 0],
      [60_000, 1],
      [90_000, 99.5],
      [120_000, 2],
      [180_000, 3],
    ]);
    const minute = again.query({ entityId: 'sensor.x', from: T0, to: T0 + 3 * MIN, resolution: 'minute' });
    expect(minute).toEqual(minuteBefore);
    expect(minute.points[1]).toMatchObject({ min: 1, max: 99.5, count: 2, last: 99.5, mean: 50.25 });
    again.close();
  });

  it('keeps counter consumption exact through packing', () => {
    const file = newFile();
    const store = openTimeSeriesStore({ file, now: () => NOW });
    store.configure('energy.main', { counter: true });
    for (let i = 0; i < 190; i++) {
      store.append('energy.main', T0 + i * MIN, 1000 + i * 0.25);
      if (i % 5 === 0) store.flush();
    }
    store.flush();
    const ask = () =>
      (['minute', 'hour', 'day'] as const).map((resolution) =>
        store.consumption({ entityId: 'energy.main', from: T0, to: NOW, resolution }),
      );
    const before = ask();
    expect(before[1]!.reduce((s, p) => s + p.delta, 0)).toBeCloseTo(189 * 0.25, 9);
    store.runMaintenance(NOW);
    expect(ask()).toEqual(before);
    store.close();
  });

  it('splits a dense day into bounded packed chunks', () => {
    const file = newFile();
    const store = openTimeSeriesStore({ file, now: () => NOW });
    const count = MAX_PACKED_SAMPLES * 2 + 10;
    for (let i = 0; i < count; i++) store.append('sensor.fast', D + i * 1000, i % 100);
    store.flush();
    store.runMaintenance(NOW);
    expect(tables(file).chunks.map((r) => [r.n, r.packed])).toEqual([
      [MAX_PACKED_SAMPLES, 1],
      [MAX_PACKED_SAMPLES, 1],
      [10, 1],
    ]);
    const raw = store.query({
      entityId: 'sensor.fast',
      from: D,
      to: D + DAY,
      resolution: 'raw',
      maxPoints: 20_000,
    });
    expect(raw.points).toHaveLength(count);
    store.close();
  });

  it('consolidates samples it cannot pack exactly into one plain chunk, once', () => {
    const file = newFile();
    const store = openTimeSeriesStore({ file, now: () => NOW });
    for (let i = 0; i < 10; i++) {
      store.append('sensor.frac', T0 + i * MIN + 0.5, i); // sub-millisecond timestamps
      store.flush();
    }
    store.runMaintenance(NOW);
    expect(tables(file).chunks.map((r) => [r.n, r.packed])).toEqual([[10, 2]]);
    store.runMaintenance(NOW);
    expect(tables(file).chunks.map((r) => [r.n, r.packed])).toEqual([[10, 2]]);
    const raw = store.query({ entityId: 'sensor.frac', from: T0, to: NOW, resolution: 'raw' }).points;
    expect(raw.map((p) => p.ts - T0)).toEqual(Array.from({ length: 10 }, (_, i) => i * MIN + 0.5));
    store.close();
  });

  it('opens a history file written before packing existed, then packs it', () => {
    const file = newFile();
    // Schema version 1 exactly as it shipped (main/core/history/schema.ts, migration 1).
    const db = new DatabaseSync(file);
    db.exec(`
      CREATE TABLE ts_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO ts_meta VALUES ('schema_version', '1');
      CREATE TABLE ts_series (id INTEGER PRIMARY KEY, entity_id TEXT NOT NULL UNIQUE, counter INTEGER NOT NULL DEFAULT 0,
        retention TEXT, last_ts INTEGER, last_value REAL);
      CREATE TABLE ts_raw_chunk (id INTEGER PRIMARY KEY, series INTEGER NOT NULL, t_min INTEGER NOT NULL,
        t_max INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL);
      CREATE INDEX ts_raw_chunk_by_series_time ON ts_raw_chunk (series, t_max, t_min);
      CREATE TABLE ts_rollup (series INTEGER NOT NULL, res INTEGER NOT NULL, bucket INTEGER NOT NULL, min REAL NOT NULL,
        max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL, last REAL NOT NULL, last_ts INTEGER NOT NULL,
        delta REAL, PRIMARY KEY (series, res, bucket)) WITHOUT ROWID;
      INSERT INTO ts_series (id, entity_id) VALUES (1, 'sensor.old');
    `);
    const insert = db.prepare(
      'INSERT INTO ts_raw_chunk (series, t_min, t_max, n, data) VALUES (1, ?, ?, ?, ?)',
    );
    const rollup = db.prepare('INSERT INTO ts_rollup VALUES (1, 0, ?, ?, ?, ?, 2, ?, ?, NULL)');
    for (let i = 0; i < 6; i++) {
      const ts = [T0 + i * 10 * MIN, T0 + i * 10 * MIN + 30_000];
      insert.run(ts[0]!, ts[1]!, 2, encodeChunk(ts, [i, i + 0.25]));
      rollup.run(ts[0]!, i, i + 0.25, 2 * i + 0.25, i + 0.25, ts[1]!);
    }
    // minute rows of a day whose raw data has expired (90-day minute tier, 7-day raw)
    rollup.run(D - 20 * DAY, 5, 6, 11, 6, D - 20 * DAY + 1);
    db.close();

    const store = openTimeSeriesStore({ file, now: () => NOW });
    const q = (resolution: 'raw' | 'minute') =>
      store.query({ entityId: 'sensor.old', from: D - 30 * DAY, to: NOW, resolution }).points;
    const before = [q('raw'), q('minute')];
    expect(before[0]).toHaveLength(12);
    expect(before[1]).toHaveLength(7);
    store.runMaintenance(NOW);
    const t = tables(file);
    expect(t.chunks.map((r) => [r.n, r.packed])).toEqual([[12, 1]]);
    expect(t.rows).toEqual([]);
    expect(t.blocks.map((b) => [b.day, b.n]).sort()).toEqual([
      [D - 20 * DAY, 1],
      [D, 6],
    ]);
    expect([q('raw'), q('minute')]).toEqual(before);
    store.close();
  });
});
