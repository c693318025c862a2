import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { SeriesInfo } from './series-registry.ts';
import type { MaintenanceResult, RetentionPolicy } from './types.ts';

const DAY_MS = 86_400_000;

export const DEFAULT_RETENTION: RetentionPolicy = {
  rawDays: 7,
  minuteDays: 90,
  hourDays: 730,
  dayDays: null,
};

export function effectivePolicy(defaults: RetentionPolicy, own: Partial<RetentionPolicy>): RetentionPolicy {
  return { ...defaults, ...own };
}

/** Oldest timestamp a tier still promises to hold, or -Infinity when it keeps everything. */
export function retainedSince(days: number | null, now: number): number {
  return days === null ? -Infinity : now - days * DAY_MS;
}

/** Throws on a policy that would silently keep nothing or everything by accident. */
export function checkRetention(p: Partial<RetentionPolicy>): void {
  for (const key of ['rawDays', 'minuteDays', 'hourDays', 'dayDays'] as const) {
    const v = p[key];
    if (v === undefined || (v === null && key === 'dayDays')) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new TypeError(
        `retention.${key} must be a non-negative number of days${key === 'dayDays' ? ' or null' : ''}`,
      );
    }
  }
}

/**
 * Deletes expired rows in small transactions, stopping when the time budget is spent: a
 * purge of months of data must never hold the event loop (or the write lock) for seconds.
 */
export class RetentionSweeper {
  readonly #db: DatabaseSync;
  readonly #deleteRaw: StatementSync;
  readonly #deleteRollup: StatementSync;
  readonly #deleteBlocks: StatementSync;
  readonly chunkRows: number;

  constructor(db: DatabaseSync, chunkRows = 2_000) {
    this.#db = db;
    this.chunkRows = chunkRows;
    this.#deleteRaw = db.prepare(
      `DELETE FROM ts_raw_chunk WHERE id IN
         (SELECT id FROM ts_raw_chunk WHERE series = ? AND t_max < ? LIMIT ?)
       RETURNING n`,
    );
    // A packed day goes once its last bucket expires: kept a little longer, never shorter.
    this.#deleteBlocks = db.prepare(
      `DELETE FROM ts_rollup_block WHERE series = ?1 AND res = ?2 AND day IN
         (SELECT day FROM ts_rollup_block WHERE series = ?1 AND res = ?2 AND day + ${DAY_MS} <= ?3 LIMIT ?4)
       RETURNING n`,
    );
    this.#deleteRollup = db.prepare(
      `DELETE FROM ts_rollup WHERE series = ?1 AND res = ?2 AND bucket IN
         (SELECT bucket FROM ts_rollup WHERE series = ?1 AND res = ?2 AND bucket < ?3 ORDER BY bucket LIMIT ?4)`,
    );
  }

  /** Returns the counts and whether everything expired is gone (false: budget ran out). */
  sweep(
    series: Iterable<SeriesInfo>,
    defaults: RetentionPolicy,
    now: number,
    budgetMs: number,
  ): MaintenanceResult & { done: boolean } {
    const result = { deletedRaw: 0, deletedMinute: 0, deletedHour: 0, deletedDay: 0, done: true };
    const deadline = performance.now() + budgetMs;
    for (const info of series) {
      const p = effectivePolicy(defaults, info.retention);
      const rawCutoff = retainedSince(p.rawDays, now);
      // A chunk goes once its newest sample expires: raw data is kept a little longer, never shorter.
      for (;;) {
        if (performance.now() > deadline) return { ...result, done: false };
        const rows = this.#inTransaction(() => this.#deleteRaw.all(info.id, rawCutoff, this.chunkRows));
        for (const row of rows) result.deletedRaw += Number((row as { n: number }).n);
        if (rows.length < this.chunkRows) break;
      }
      const tiers = [
        [0, p.minuteDays, 'deletedMinute'],
        [1, p.hourDays, 'deletedHour'],
        [2, p.dayDays, 'deletedDay'],
      ] as const;
      for (const [res, days, field] of tiers) {
        if (days === null) continue;
        const cutoff = retainedSince(days, now);
        for (;;) {
          if (performance.now() > deadline) return { ...result, done: false };
          const deleted = Number(
            this.#inTransaction(() => this.#deleteRollup.run(info.id, res, cutoff, this.chunkRows)).changes,
          );
          const blocks =
            res === 2
              ? []
              : this.#inTransaction(() => this.#deleteBlocks.all(info.id, res, cutoff, this.chunkRows));
          for (const b of blocks) result[field] += Number((b as { n: number }).n);
          result[field] += deleted;
          if (deleted < this.chunkRows && blocks.length < this.chunkRows) break;
        }
      }
    }
    return result;
  }

  #inTransaction<T>(work: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const out = work();
      this.#db.exec('COMMIT');
      return out;
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }
}
