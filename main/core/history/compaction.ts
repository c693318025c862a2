import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { CHUNK_SPAN_MS } from './batch-writer.ts';
import { decodeChunk, encodeChunk } from './raw-chunk.ts';
import { packSamples } from './packed-samples.ts';

/**
 * Turns the small chunks the ingest path writes (one per series per flush, so often a single
 * sample) into one packed chunk per series and closed hour. Ingest stays a cheap append; the
 * bytes on disk (a row and an index entry per flush otherwise) are paid back once the hour is
 * over. Late samples for an hour already packed land in a new small chunk and are folded in on
 * the next pass. Each (series, hour) is rewritten in its own transaction: a crash leaves either
 * the small chunks or the packed one, never both or neither.
 */
export class RawCompactor {
  readonly #db: DatabaseSync;
  readonly #pending: StatementSync;
  readonly #chunksOf: StatementSync;
  readonly #delete: StatementSync;
  readonly #insert: StatementSync;
  constructor(db: DatabaseSync) {
    this.#db = db;
    // Plain chunks are what ingest (or a late sample) wrote since the last pass.
    this.#pending = db.prepare(
      `SELECT DISTINCT series, (t_min - (t_min % ${CHUNK_SPAN_MS})) AS hour FROM ts_raw_chunk
       WHERE packed = 0 AND t_max < ? LIMIT 500`,
    );
    this.#chunksOf = db.prepare(
      'SELECT id, packed, data FROM ts_raw_chunk WHERE series = ? AND t_min >= ? AND t_min < ? ORDER BY t_min, id',
    );
    this.#delete = db.prepare('DELETE FROM ts_raw_chunk WHERE id = ?');
    this.#insert = db.prepare(
      'INSERT INTO ts_raw_chunk (series, t_min, t_max, n, data, packed) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  /**
   * Packs closed hours until the budget is spent; `done` is false when work is left. An hour is
   * closed once `now` is past it by `graceMs` (samples arrive a little late).
   */
  compact(now: number, budgetMs: number, graceMs = 5 * 60_000): { packed: number; done: boolean } {
    const started = performance.now();
    const closedBefore = Math.floor((now - graceMs) / CHUNK_SPAN_MS) * CHUNK_SPAN_MS;
    let packed = 0;
    const groups = this.#pending.all(closedBefore) as unknown as { series: number; hour: number }[];
    for (const { series, hour } of groups) {
      if (performance.now() - started > budgetMs) return { packed, done: false };
      packed += this.#packHour(series, hour);
    }
    if (groups.length === 500) return { packed, done: false };
    return { packed, done: true };
  }

  #packHour(series: number, hour: number): number {
    const rows = this.#chunksOf.all(series, hour, hour + CHUNK_SPAN_MS) as unknown as {
      id: number;
      packed: number;
      data: Uint8Array;
    }[];
    if (rows.length === 1 && rows[0]!.packed !== 0) return 0;
    const ts: number[] = [];
    const values: number[] = [];
    const order: number[] = [];
    for (const row of rows) {
      const c = decodeChunk(row.data, row.packed);
      for (let i = 0; i < c.ts.length; i++) {
        order.push(order.length);
        ts.push(c.ts[i]!);
        values.push(c.values[i]!);
      }
    }
    // Stable by time: samples sharing a timestamp keep the order they were written in.
    order.sort((a, b) => ts[a]! - ts[b]! || a - b);
    const sTs = Float64Array.from(order, (i) => ts[i]!);
    const sValues = Float64Array.from(order, (i) => values[i]!);
    const blob = packSamples(sTs, sValues);
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const row of rows) this.#delete.run(row.id);
      this.#insert.run(
        series,
        sTs[0]!,
        sTs[sTs.length - 1]!,
        sTs.length,
        blob ?? encodeChunk(sTs, sValues),
        blob ? 1 : 2,
      );
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
    return 1;
  }
}
