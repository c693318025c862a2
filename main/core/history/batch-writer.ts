import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { encodeChunk } from './raw-chunk.ts';
import { aggregateSorted } from './rollup.ts';
import type { SeriesRegistry } from './series-registry.ts';

export const CHUNK_SPAN_MS = 3_600_000;

/**
 * Writes a batch of samples in one transaction: per series one raw chunk, one upsert per
 * touched bucket and resolution, and the counter's newest reading. Raw and rollups commit
 * together, so after any crash they agree.
 */
export class BatchWriter {
  readonly #db: DatabaseSync;
  readonly #series: SeriesRegistry;
  readonly #insertChunk: StatementSync;
  readonly #upsertRollup: StatementSync;

  constructor(db: DatabaseSync, series: SeriesRegistry) {
    this.#db = db;
    this.#series = series;
    this.#insertChunk = db.prepare(
      'INSERT INTO ts_raw_chunk (series, t_min, t_max, n, data) VALUES (?, ?, ?, ?, ?)',
    );
    this.#upsertRollup = db.prepare(
      `INSERT INTO ts_rollup (series, res, bucket, min, max, sum, count, last, last_ts, delta)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (series, res, bucket) DO UPDATE SET
         min = min(min, excluded.min),
         max = max(max, excluded.max),
         sum = sum + excluded.sum,
         count = count + excluded.count,
         last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last ELSE last END,
         last_ts = max(last_ts, excluded.last_ts),
         delta = CASE WHEN delta IS NULL AND excluded.delta IS NULL THEN NULL
                      ELSE coalesce(delta, 0) + coalesce(excluded.delta, 0) END`,
    );
  }

  /** Throws (after rolling back) if the database refuses the batch; the caller keeps it. */
  write(entityIds: readonly string[], ts: readonly number[], values: readonly number[]): void {
    const groups = new Map<string, number[]>();
    for (let i = 0; i < entityIds.length; i++) {
      const id = entityIds[i]!;
      const group = groups.get(id);
      if (group) group.push(i);
      else groups.set(id, [i]);
    }
    const knownMaxId = this.#series.maxId();
    const readings = new Map<string, { ts: number; value: number }>();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const [entityId, indices] of groups) {
        const info = this.#series.ensure(entityId);
        // Stable sort: samples sharing a timestamp keep their append order.
        indices.sort((a, b) => ts[a]! - ts[b]!);
        const n = indices.length;
        const sTs = new Float64Array(n);
        const sValues = new Float64Array(n);
        for (let k = 0; k < n; k++) {
          sTs[k] = ts[indices[k]!]!;
          sValues[k] = values[indices[k]!]!;
        }
        // A chunk never spans two hours, so a backfill of months still expires, and is
        // counted, hour by hour rather than as one blob.
        for (let start = 0; start < n;) {
          const hourEnd = (Math.floor(sTs[start]! / CHUNK_SPAN_MS) + 1) * CHUNK_SPAN_MS;
          let end = start + 1;
          while (end < n && sTs[end]! < hourEnd) end++;
          const cTs = sTs.subarray(start, end);
          const cValues = sValues.subarray(start, end);
          this.#insertChunk.run(
            info.id,
            cTs[0]!,
            cTs[end - start - 1]!,
            end - start,
            encodeChunk(cTs, cValues),
          );
          start = end;
        }
        const { buckets, counter } = aggregateSorted(
          sTs,
          sValues,
          info.counter ? info.lastReading : undefined,
        );
        for (const b of buckets) {
          this.#upsertRollup.run(
            info.id,
            b.res,
            b.bucket,
            b.min,
            b.max,
            b.sum,
            b.count,
            b.last,
            b.lastTs,
            b.delta,
          );
        }
        if (info.counter && counter && counter !== info.lastReading) {
          this.#series.saveReading(info, counter);
          readings.set(entityId, counter);
        }
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      this.#series.forgetAbove(knownMaxId);
      throw err;
    }
    // Only a committed reading may seed the next batch's first delta.
    for (const [entityId, reading] of readings) {
      const info = this.#series.get(entityId);
      if (info) info.lastReading = reading;
    }
  }
}
