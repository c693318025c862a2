import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { openTimeSeriesStore } from '../../../main/core/history/index.ts';
import type { TimeSeriesStoreOptions } from '../../../main/core/history/index.ts';
import { RetentionSweeper, DEFAULT_RETENTION } from '../../../main/core/history/retention.ts';
import { SeriesRegistry } from '../../../main/core/history/series-registry.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'truss-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const newFile = () => join(dir, `h${fileNo++}.db`);

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 12);
const T0 = Date.UTC(2026, 10, 23); // today 00:00 UTC

function open(extra: Partial<TimeSeriesStoreOptions> = {}) {
  const warnings: object[] = [];
  const store = openTimeSeriesStore({
    file: extra.file ?? newFile(),
    now: () => NOW,
    log: { warn: (o) => warnings.push(o) },
    ...extra,
  });
  return { store, warnings };
}

describe('time-series store', () => {
  it('stores samples and answers each resolution with min, max, mean, last, count', () => {
    const { store } = open();
    // 2 hours at one sample per 10 s: value = minute index, so each minute is constant.
    for (let i = 0; i < 720; i++) store.append('sensor.t', T0 + i * 10_000, Math.floor(i / 6));
    store.flush();
    expect(store.stats()).toMatchObject({ buffered: 0, written: 720, rejected: 0, batches: 1 });

    const raw = store.query({ entityId: 'sensor.t', from: T0, to: T0 + 59_999, resolution: 'raw' });
    expect(raw.points).toHaveLength(6);
    expect(raw.points[0]).toEqual({ ts: T0, min: 0, max: 0, mean: 0, last: 0, count: 1 });

    const minute = store.query({
      entityId: 'sensor.t',
      from: T0,
      to: T0 + 2 * 3_600_000,
      resolution: 'minute',
    });
    expect(minute.points).toHaveLength(120);
    expect(minute.points[7]).toEqual({ ts: T0 + 7 * 60_000, min: 7, max: 7, mean: 7, last: 7, count: 6 });

    const hour = store.query({ entityId: 'sensor.t', from: T0, to: T0 + DAY, resolution: 'hour' });
    expect(hour.points).toEqual([
      { ts: T0, min: 0, max: 59, mean: 29.5, last: 59, count: 360 },
      { ts: T0 + 3_600_000, min: 60, max: 119, mean: 89.5, last: 119, count: 360 },
    ]);
    const day = store.query({ entityId: 'sensor.t', from: T0, to: T0 + DAY, resolution: 'day' });
    expect(day.points).toEqual([{ ts: T0, min: 0, max: 119, mean: 59.5, last: 119, count: 720 }]);
    store.close();
  });

  it('merges late, out-of-order samples into the right buckets across batches', () => {
    const { store } = open();
    store.append('s', T0 + 50_000, 5);
    store.append('s', T0 + 10_000, 1);
    store.flush();
    store.append('s', T0 + 30_000, 3); // late: must not become "last"
    store.append('s', T0 + 55_000, 9);
    store.append('s', T0 + 20_000, -4);
    store.flush();
    const [p] = store.query({ entityId: 's', from: T0, to: T0 + 59_999, resolution: 'minute' }).points;
    expect(p).toEqual({ ts: T0, min: -4, max: 9, mean: 14 / 5, last: 9, count: 5 });
    const raw = store.query({ entityId: 's', from: T0, to: T0 + 59_999, resolution: 'raw' }).points;
    expect(raw.map((x) => x.ts)).toEqual([10_000, 20_000, 30_000, 50_000, 55_000].map((d) => T0 + d));
    store.close();
  });

  it("'auto' picks the finest resolution that fits maxPoints and is still retained", () => {
    const { store } = open();
    for (let i = 0; i < 8640; i++) store.append('s', T0 - DAY + i * 10_000, i); // yesterday, every 10 s
    store.append('old', NOW - 30 * DAY, 1); // past raw retention (7 d), within minute (90 d)
    const pick = (from: number, to: number, maxPoints?: number) =>
      store.query({ entityId: 's', from, to, resolution: 'auto', maxPoints }).resolution;
    expect(pick(T0 - 3_600_000, T0 - 1)).toBe('raw'); // 360 samples
    expect(pick(T0 - DAY, T0 - 1)).toBe('hour'); // raw 8640 and minute 1440 > 1000
    expect(pick(T0 - DAY, T0 - 1, 2000)).toBe('minute');
    expect(pick(T0 - DAY, T0 - 1, 10)).toBe('day');
    const old = store.query({
      entityId: 'old',
      from: NOW - 31 * DAY,
      to: NOW - 29 * DAY,
      resolution: 'auto',
    });
    expect(old.resolution).toBe('minute');
    expect(old.points).toEqual([{ ts: NOW - 30 * DAY, min: 1, max: 1, mean: 1, last: 1, count: 1 }]);
    expect(store.query({ entityId: 'nobody', from: T0, to: T0 + 3_600_000 }).points).toEqual([]);
    expect(store.query({ entityId: 's', from: T0, to: T0 - 1 }).points).toEqual([]);
    store.close();
  });

  it('rejects and counts hostile samples without losing the good ones around them', () => {
    const { store, warnings } = open();
    const bad: [unknown, unknown, unknown][] = [
      ['s', T0, NaN],
      ['s', T0, Infinity],
      ['s', T0, -Infinity],
      ['s', T0, '42'],
      ['s', T0, null],
      ['s', -5, 1],
      ['s', Date.UTC(3000, 0, 1), 1],
      ['s', NaN, 1],
      ['e'.repeat(1_000_000), T0, 1],
      ['', T0, 1],
      [undefined, T0, 1],
    ];
    let good = 0;
    for (const [i, [id, ts, v]] of bad.entries()) {
      store.append('s', T0 + i * 1000, i);
      good++;
      (store.append as (a: unknown, b: unknown, c: unknown) => void)(id, ts, v);
    }
    store.flush();
    expect(store.stats()).toMatchObject({ written: good, rejected: bad.length });
    const points = store.query({ entityId: 's', from: T0, to: T0 + DAY, resolution: 'raw' }).points;
    expect(points.map((p) => p.last)).toEqual(bad.map((_b, i) => i));
    expect(warnings.length).toBeGreaterThan(0); // rate-limited, but said
    store.close();
  });

  it('persists configuration and counter state; counter rollups carry deltas across batches and reopen', () => {
    const file = newFile();
    let { store } = open({ file });
    store.configure('meter', { counter: true, retention: { rawDays: 2 } });
    store.append('meter', T0, 1000);
    store.append('meter', T0 + 30_000, 1002);
    store.flush();
    store.append('meter', T0 + 60_000, 1005);
    store.close();

    ({ store } = open({ file }));
    store.append('meter', T0 + 90_000, 3); // meter replaced: counts from zero again
    store.append('meter', T0 + 120_000, 7);
    expect(store.consumption({ entityId: 'meter', from: T0, to: T0 + DAY, resolution: 'minute' })).toEqual([
      { ts: T0, delta: 2 },
      { ts: T0 + 60_000, delta: 6 },
      { ts: T0 + 120_000, delta: 4 },
    ]);
    expect(store.consumption({ entityId: 'meter', from: T0, to: T0 + DAY, resolution: 'day' })).toEqual([
      { ts: T0, delta: 12 },
    ]);
    // The retention override survived the reopen: raw older than 2 days goes, minute data stays.
    const r = store.runMaintenance(T0 + 3 * DAY);
    expect(r).toEqual({ deletedRaw: 5, deletedMinute: 0, deletedHour: 0, deletedDay: 0 });
    expect(
      store.query({ entityId: 'meter', from: T0, to: T0 + DAY, resolution: 'minute' }).points,
    ).toHaveLength(3);
    expect(() => store.configure('meter', { retention: { rawDays: -1 } })).toThrow(/rawDays/);
    expect(() => store.configure('x'.repeat(201), {})).toThrow(/entityId/);
    store.close();
  });

  it('applies each tier of retention per entity in maintenance', () => {
    const { store } = open({ defaultRetention: { rawDays: 1, minuteDays: 3, hourDays: 10, dayDays: 30 } });
    store.configure('keep', { retention: { dayDays: null } });
    for (const id of ['keep', 'drop']) for (let d = 0; d < 40; d++) store.append(id, T0 - d * DAY, d);
    store.flush();
    const r = store.runMaintenance(NOW);
    // per entity: raw keeps d=0 only (t_max < NOW - 1 d), minute keeps d<=2, hour d<=9, day d<=29 ('drop' only)
    expect(r).toEqual({ deletedRaw: 2 * 39, deletedMinute: 2 * 37, deletedHour: 2 * 30, deletedDay: 10 });
    const days = (id: string) =>
      store.query({ entityId: id, from: T0 - 50 * DAY, to: NOW, resolution: 'day' }).points.length;
    expect([days('keep'), days('drop')]).toEqual([40, 30]);
    expect(store.runMaintenance(NOW)).toEqual({
      deletedRaw: 0,
      deletedMinute: 0,
      deletedHour: 0,
      deletedDay: 0,
    });
    store.close();
  });

  it('purges in small transactions and stops when its time budget is spent', () => {
    const file = newFile();
    const { store } = open({ file, maxBatch: 100 });
    for (let i = 0; i < 5000; i++) store.append('s', T0 - 20 * DAY + i * 1000, i);
    store.close();
    const db = new DatabaseSync(file);
    const sweeper = new RetentionSweeper(db, 7);
    const series = new SeriesRegistry(db);
    expect(sweeper.sweep(series.all(), DEFAULT_RETENTION, NOW, -1)).toMatchObject({
      done: false,
      deletedRaw: 0,
    });
    const all = sweeper.sweep(series.all(), DEFAULT_RETENTION, NOW, 10_000);
    expect(all).toMatchObject({ done: true, deletedRaw: 5000 });
    expect(db.prepare('SELECT count(*) AS n FROM ts_raw_chunk').get()).toEqual({ n: 0 });
    db.close();
  });

  it('flushes on its timer, and close() flushes what is left', async () => {
    const file = newFile();
    const { store } = open({ file, flushIntervalMs: 20 });
    store.append('s', T0, 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(store.stats()).toMatchObject({ buffered: 0, written: 1, batches: 1 });
    store.append('s', T0 + 1, 2);
    store.close();
    expect(() => store.flush()).toThrow(/closed/);
    store.append('s', T0 + 2, 3); // after close: counted, never thrown
    expect(store.stats().rejected).toBe(1);
    const { store: again } = open({ file });
    expect(again.query({ entityId: 's', from: T0, to: T0 + 10, resolution: 'raw' }).points).toHaveLength(2);
    again.close();
  });

  it('does not keep the process alive with its timers', () => {
    const script = `
      import { openTimeSeriesStore } from ${JSON.stringify(join(ROOT, 'main/core/history/index.ts'))};
      const s = openTimeSeriesStore({ file: ${JSON.stringify(newFile())} });
      s.append('s', Date.now(), 1);
    `;
    const started = Date.now();
    const r = spawnSync(join(ROOT, 'node_modules/.bin/node'), ['--input-type=module', '-e', script], {
      timeout: 10_000,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps a refused batch and writes it once the database accepts writes again', () => {
    const file = newFile();
    const { store, warnings } = open({ file, maxBatch: 3 });
    store.append('s', T0, 1);
    store.flush();
    const other = new DatabaseSync(file); // another writer, as the document store is
    other.exec('BEGIN IMMEDIATE');
    try {
      store.append('s', T0 + 1, 2);
      store.append('s', T0 + 2, 3);
      store.append('s', T0 + 3, 4); // reaches maxBatch: the flush fails after busy_timeout, append does not throw
      expect(store.stats()).toMatchObject({ buffered: 3, written: 1 });
      expect(warnings.some((w) => 'err' in w)).toBe(true);
      expect(() => store.flush()).toThrow(/locked|busy/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    store.flush();
    expect(store.stats()).toMatchObject({ buffered: 0, written: 4 });
    const points = store.query({ entityId: 's', from: T0, to: T0 + 10, resolution: 'minute' }).points;
    expect(points).toEqual([{ ts: T0, min: 1, max: 4, mean: 2.5, last: 4, count: 4 }]);
    store.close();
  });
});
