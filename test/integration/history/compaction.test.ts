import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { openTimeSeriesStore } from '../../../main/core/history/index.ts';
import { encodeChunk } from '../../../main/core/history/raw-chunk.ts';

/**
 * Closed hours are packed (one compressed chunk per series and hour) by maintenance, on a real
 * SQLite file: every query answers the same before and after, late samples are folded in, the
 * open hour is left alone, and a file written before packing existed opens and packs.
 */
const dir = mkdtempSync(join(tmpdir(), 'truss-compaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newFile = () => join(dir, `c${n++}.db`);

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 8);
const NOW = T0 + 3 * HOUR + 10 * 60_000; // 11:10: 08:00-11:00 closed, 11:00 open

function chunkRows(file: string) {
  const db = new DatabaseSync(file, { readOnly: true });
  const rows = db
    .prepare(
      `SELECT s.entity_id AS entity, c.t_min AS tMin, c.n AS n, c.packed AS packed, length(c.data) AS bytes
       FROM ts_raw_chunk c JOIN ts_series s ON s.id = c.series ORDER BY s.entity_id, c.t_min`,
    )
    .all() as { entity: string; tMin: number; n: number; packed: number; bytes: number }[];
  db.close();
  return rows;
}

describe('packing closed hours', () => {
  it('answers every query the same, packs one chunk per series-hour, leaves the open hour', () => {
    const file = newFile();
    const store = openTimeSeriesStore({ file, now: () => NOW });
    // a flush after every few samples, as live ingest does (one small chunk each)
    for (let i = 0; i < 3 * 60 + 10; i++) {
      store.append('sensor.temp', T0 + i * 60_000, Math.round((21 + Math.sin(i / 20)) * 10) / 10);
      store.append('sensor.power', T0 + i * 60_000 + (i % 7), 1000 + Math.random() * 50);
      if (i % 3 === 0) store.flush();
    }
    store.flush();
    const ask = (entityId: string, resolution: 'raw' | 'minute' | 'hour') =>
      store.query({ entityId, from: T0, to: NOW, resolution, maxPoints: 20_000 }).points;
    const before = ['sensor.temp', 'sensor.power'].flatMap((e) =>
      (['raw', 'minute', 'hour'] as const).map((r) => ask(e, r)),
    );
    const smallChunks = chunkRows(file).length;
    expect(smallChunks).toBeGreaterThan(100);

    store.runMaintenance(NOW);
    const rows = chunkRows(file);
    for (const entity of ['sensor.power', 'sensor.temp']) {
      const mine = rows.filter((r) => r.entity === entity);
      const closed = mine.filter((r) => r.tMin < T0 + 3 * HOUR);
      expect(closed.map((r) => [r.tMin - (r.tMin % HOUR), r.n, r.packed])).toEqual([
        [T0, 60, 1],
        [T0 + HOUR, 60, 1],
        [T0 + 2 * HOUR, 60, 1],
      ]);
      // the open hour keeps its small plain chunks
      expect(mine.filter((r) => r.tMin >= T0 + 3 * HOUR).every((r) => r.packed === 0)).toBe(true);
    }
    const temp = rows.filter((r) => r.entity === 'sensor.temp' && r.packed === 1);
    expect(temp.every((r) => r.bytes / r.n < 2)).toBe(true); // one-decimal temperatures: < 2 B a sample
    const after = ['sensor.temp', 'sensor.power'].flatMap((e) =>
      (['raw', 'minute', 'hour'] as const).map((r) => ask(e, r)),
    );
    expect(after).toEqual(before);
    store.close();
  });

  it('folds a late sample into its packed hour, in time order, and keeps it across a restart', () => {
    const file = newFile();
    const store = openTimeSeriesStore({ file, now: () => NOW });
    for (let i = 0; i < 60; i++) {
      store.append('sensor.x', T0 + i * 60_000, i);
      store.flush();
    }
    store.runMaintenance(NOW);
    expect(chunkRows(file).map((r) => [r.n, r.packed])).toEqual([[60, 1]]);
    store.append('sensor.x', T0 + 90_000, 99.5); // late, between minute 1 and 2
    store.flush();
    expect(chunkRows(file).map((r) => [r.n, r.packed])).toEqual([
      [60, 1],
      [1, 0],
    ]);
    store.runMaintenance(NOW);
    expect(chunkRows(file).map((r) => [r.n, r.packed])).toEqual([[61, 1]]);
    store.close();

    const again = openTimeSeriesStore({ file, now: () => NOW });
    const raw = again.query({
      entityId: 'sensor.x',
      from: T0,
      to: T0 + 3 * 60_000,
      resolution: 'raw',
    }).points;
    expect(raw.map((p) => [p.ts - T0, p.last])).toEqual([
      [0, 0],
      [60_000, 1],
      [90_000, 99.5],
      [120_000, 2],
      [180_000, 3],
    ]);
    again.close();
  });

  it('consolidates an hour it cannot pack exactly into one plain chunk, once', () => {
    const file = newFile();
    const store = openTimeSeriesStore({ file, now: () => NOW });
    for (let i = 0; i < 10; i++) {
      store.append('sensor.frac', T0 + i * 60_000 + 0.5, i); // sub-millisecond timestamps
      store.flush();
    }
    store.runMaintenance(NOW);
    expect(chunkRows(file).map((r) => [r.n, r.packed])).toEqual([[10, 2]]);
    store.runMaintenance(NOW);
    expect(chunkRows(file).map((r) => [r.n, r.packed])).toEqual([[10, 2]]);
    const raw = store.query({ entityId: 'sensor.frac', from: T0, to: NOW, resolution: 'raw' }).points;
    expect(raw.map((p) => p.ts - T0)).toEqual(Array.from({ length: 10 }, (_, i) => i * 60_000 + 0.5));
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
    for (let i = 0; i < 6; i++) {
      const ts = [T0 + i * 600_000, T0 + i * 600_000 + 300_000];
      insert.run(ts[0]!, ts[1]!, 2, encodeChunk(ts, [i, i + 0.25]));
    }
    db.close();

    const store = openTimeSeriesStore({ file, now: () => NOW });
    const q = () =>
      store
        .query({ entityId: 'sensor.old', from: T0, to: T0 + HOUR, resolution: 'raw' })
        .points.map((p) => p.last);
    const before = q();
    expect(before).toHaveLength(12);
    store.runMaintenance(NOW);
    expect(chunkRows(file).map((r) => [r.n, r.packed])).toEqual([[12, 1]]);
    expect(q()).toEqual(before);
    store.close();
  });
});
