import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { migrateStore, openEnergyDb } from '../../metering/energy-db.ts';
import type { DynamicPriceSource, PricePoint } from './price-series.ts';

const MIGRATIONS = [
  `CREATE TABLE energy_prices (
     series TEXT NOT NULL,
     start INTEGER NOT NULL,
     end INTEGER NOT NULL,
     price REAL NOT NULL,
     source TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     PRIMARY KEY (series, start)
   ) WITHOUT ROWID;`,
];

export interface SavedPrices {
  series: string;
  count: number;
  from: number;
  to: number;
  /** points stored before that this batch replaced (a corrected publication) */
  replaced: number;
}

/**
 * Day-ahead prices per series in the core's SQLite file. A batch (validated: sorted, no gaps or
 * overlaps) replaces whatever was stored for the time it covers, in one transaction; batches
 * need not touch each other (the tariff's bands fill what no batch covers). Prices are never pruned:
 * past costs are computed from them, and a year of 15-minute prices is 35,000 small rows.
 */
export class PriceStore implements DynamicPriceSource {
  readonly #db: DatabaseSync;
  readonly #select: StatementSync;

  constructor(file: string) {
    this.#db = openEnergyDb(file);
    migrateStore(this.#db, 'prices', MIGRATIONS);
    this.#select = this.#db.prepare(
      'SELECT start, end, price FROM energy_prices WHERE series = ? AND end > ? AND start < ? ORDER BY start',
    );
  }

  save(series: string, points: readonly PricePoint[], source: string, receivedAt = Date.now()): SavedPrices {
    if (points.length === 0) throw new Error('no prices to save');
    for (let i = 1; i < points.length; i++)
      if (points[i]!.start < points[i - 1]!.end)
        throw new Error('prices must be sorted and must not overlap');
    const from = points[0]!.start;
    const to = points[points.length - 1]!.end;
    const db = this.#db;
    db.exec('BEGIN IMMEDIATE');
    try {
      const replaced = Number(
        db
          .prepare('DELETE FROM energy_prices WHERE series = ? AND end > ? AND start < ?')
          .run(series, from, to).changes,
      );
      const ins = db.prepare(
        'INSERT INTO energy_prices (series, start, end, price, source, received_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const p of points) ins.run(series, p.start, p.end, p.price, source.slice(0, 200), receivedAt);
      db.exec('COMMIT');
      return { series, count: points.length, from, to, replaced };
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }

  segments(series: string, from: number, to: number): PricePoint[] {
    const rows = this.#select.all(series, from, to) as Array<{ start: number; end: number; price: number }>;
    return rows.map((r) => ({ start: Math.max(from, r.start), end: Math.min(to, r.end), price: r.price }));
  }

  /** The end of the last known price of a series (null: none), e.g. to tell when tomorrow's prices arrived. */
  knownUntil(series: string): number | null {
    const row = this.#db.prepare('SELECT MAX(end) AS e FROM energy_prices WHERE series = ?').get(series) as {
      e: number | null;
    };
    return row.e;
  }

  close(): void {
    this.#db.close();
  }
}
