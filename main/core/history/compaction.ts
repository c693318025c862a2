import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { decodeChunk, encodeChunk } from './raw-chunk.ts';
import { packSamples } from './packed-samples.ts';
import { decodeRollupBlock, encodeRollupBlock, mergeBucketLists, type StoredBucket } from './rollup-block.ts';

const DAY_MS = 86_400_000;
/** a packed chunk holds at most this many samples, so reading a few minutes never decodes a day of 1 Hz data */
export const MAX_PACKED_SAMPLES = 4096;
/** the minute and hour tiers are packed; day buckets are one row a day already */
const PACKED_RESOLUTIONS = [0, 1] as const;

/**
 * Packs closed days: a series' raw samples of a day into a few compressed chunks, and its minute
 * and hour buckets into one block per tier. Ingest stays a cheap append of small chunks and rollup
 * upserts; the bytes those cost (a row and index entries per flush, a row per minute) are paid back
 * once the day is over. A late sample for a packed day lands in a new small chunk and rollup rows,
 * and is folded in on the next pass. Each (series, day) is rewritten in one transaction: a crash
 * leaves the day as it was before or as it is after, never half.
 */
export class HistoryCompactor {
  readonly #db: DatabaseSync;
  readonly #pending: StatementSync;
  readonly #chunksOf: StatementSync;
  readonly #deleteChunk: StatementSync;
  readonly #insertChunk: StatementSync;
  readonly #rowsOf: StatementSync;
  readonly #deleteRows: StatementSync;
  readonly #blockOf: StatementSync;
  readonly #saveBlock: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    // Plain chunks are what ingest (or a late sample) wrote since the last pass.
    // Minute and hour rows of a closed day come with a plain chunk, except where the raw data
    // has expired already (a file from before packing existed).
    this.#pending = db.prepare(
      `SELECT series, (t_min - (t_min % ${DAY_MS})) AS day FROM ts_raw_chunk WHERE packed = 0 AND t_max < ?1
       UNION
       SELECT series, (bucket - (bucket % ${DAY_MS})) AS day FROM ts_rollup WHERE res IN (0, 1) AND bucket < ?1
       LIMIT 200`,
    );
    this.#chunksOf = db.prepare(
      'SELECT id, packed, data FROM ts_raw_chunk WHERE series = ? AND t_min >= ? AND t_min < ? ORDER BY t_min, id',
    );
    this.#deleteChunk = db.prepare('DELETE FROM ts_raw_chunk WHERE id = ?');
    this.#insertChunk = db.prepare(
      'INSERT INTO ts_raw_chunk (series, t_min, t_max, n, data, packed) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#rowsOf = db.prepare(
      `SELECT bucket, min, max, sum, count, last, last_ts AS lastTs, delta FROM ts_rollup
       WHERE series = ? AND res = ? AND bucket >= ? AND bucket < ?`,
    );
    this.#deleteRows = db.prepare(
      'DELETE FROM ts_rollup WHERE series = ? AND res = ? AND bucket >= ? AND bucket < ?',
    );
    this.#blockOf = db.prepare('SELECT data FROM ts_rollup_block WHERE series = ? AND res = ? AND day = ?');
    this.#saveBlock = db.prepare(
      'INSERT OR REPLACE INTO ts_rollup_block (series, res, day, n, data) VALUES (?, ?, ?, ?, ?)',
    );
  }

  /**
   * Packs closed days until the budget is spent; `done` is false when work is left. A day is
   * closed once `now` is past it by `graceMs` (samples arrive a little late).
   */
  compact(now: number, budgetMs: number, graceMs = 5 * 60_000): { packed: number; done: boolean } {
    const started = performance.now();
    const closedBefore = Math.floor((now - graceMs) / DAY_MS) * DAY_MS;
    let packed = 0;
    const groups = this.#pending.all(closedBefore) as unknown as { series: number; day: number }[];
    for (const { series, day } of groups) {
      if (performance.now() - started > budgetMs) return { packed, done: false };
      this.#inTransaction(() => {
        this.#packRaw(series, day);
        for (const res of PACKED_RESOLUTIONS) this.#packRollups(series, res, day);
      });
      packed++;
    }
    return { packed, done: groups.length < 200 };
  }

  #packRaw(series: number, day: number): void {
    const rows = this.#chunksOf.all(series, day, day + DAY_MS) as unknown as {
      id: number;
      packed: number;
      data: Uint8Array;
    }[];
    const ts: number[] = [];
    const values: number[] = [];
    for (const row of rows) {
      const c = decodeChunk(row.data, row.packed);
      for (let i = 0; i < c.ts.length; i++) {
        ts.push(c.ts[i]!);
        values.push(c.values[i]!);
      }
    }
    // Stable by time: samples sharing a timestamp keep the order they were written in.
    const order = Array.from(ts, (_, i) => i).sort((a, b) => ts[a]! - ts[b]! || a - b);
    if (rows.length === 0 || (rows.length === 1 && rows[0]!.packed !== 0)) return;
    for (const row of rows) this.#deleteChunk.run(row.id);
    for (let start = 0; start < order.length; start += MAX_PACKED_SAMPLES) {
      const part = order.slice(start, start + MAX_PACKED_SAMPLES);
      const sTs = Float64Array.from(part, (i) => ts[i]!);
      const sValues = Float64Array.from(part, (i) => values[i]!);
      const blob = packSamples(sTs, sValues);
      this.#insertChunk.run(
        series,
        sTs[0]!,
        sTs[sTs.length - 1]!,
        sTs.length,
        blob ?? encodeChunk(sTs, sValues),
        blob ? 1 : 2,
      );
    }
  }

  #packRollups(series: number, res: number, day: number): void {
    const rows = this.#rowsOf.all(series, res, day, day + DAY_MS) as unknown as StoredBucket[];
    if (rows.length === 0) return;
    const existing = this.#blockOf.get(series, res, day) as { data: Uint8Array } | undefined;
    const buckets = mergeBucketLists([existing ? decodeRollupBlock(existing.data) : [], rows]);
    this.#saveBlock.run(series, res, day, buckets.length, encodeRollupBlock(buckets));
    this.#deleteRows.run(series, res, day, day + DAY_MS);
  }

  #inTransaction(work: () => void): void {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }
}
