import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AccuracyWindow, ForecastAccuracy, ForecastKind } from '../../../../shared/energy/forecast.ts';
import { migrateStore, openEnergyDb } from '../metering/energy-db.ts';

const MIGRATIONS = [
  `CREATE TABLE energy_forecast_issues (
     id INTEGER PRIMARY KEY,
     kind TEXT NOT NULL,
     target TEXT NOT NULL,
     issued_at INTEGER NOT NULL,
     start INTEGER NOT NULL,
     slot_ms INTEGER NOT NULL,
     n INTEGER NOT NULL,
     data BLOB NOT NULL
   );
   CREATE INDEX energy_forecast_issues_by_target ON energy_forecast_issues (kind, target, start);
   CREATE TABLE energy_forecast_actuals (
     kind TEXT NOT NULL,
     target TEXT NOT NULL,
     slot_start INTEGER NOT NULL,
     slot_ms INTEGER NOT NULL,
     value REAL NOT NULL,
     PRIMARY KEY (kind, target, slot_start)
   ) WITHOUT ROWID;`,
];

const DAY = 86_400_000;
const UNITS: Record<ForecastKind, string> = { pv: 'W', load: 'W', temperature: '°C' };

export interface AccuracyOptions {
  /** a forecast counts for a slot only when issued at least this long before it (default 0: the
   * forecast in force when the slot began, i.e. what the plan used) */
  leadMs?: number;
}

/**
 * Issued forecasts and the actuals they are judged against, in the core's SQLite file. Each issue
 * is one row (its values packed as Float64Array), so re-planning every 15 minutes over 48 hours
 * costs 96 rows a day per forecast. For a slot, the forecast judged is the latest one issued at
 * least `leadMs` before it.
 */
export class ForecastStore {
  readonly #db: DatabaseSync;
  readonly #insertIssue: StatementSync;
  readonly #upsertActual: StatementSync;

  constructor(file: string) {
    this.#db = openEnergyDb(file);
    migrateStore(this.#db, 'forecasts', MIGRATIONS);
    this.#insertIssue = this.#db.prepare(
      'INSERT INTO energy_forecast_issues (kind, target, issued_at, start, slot_ms, n, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#upsertActual = this.#db.prepare(
      'INSERT OR REPLACE INTO energy_forecast_actuals (kind, target, slot_start, slot_ms, value) VALUES (?, ?, ?, ?, ?)',
    );
  }

  /** Stores a forecast as issued: values for contiguous slots from `start`. Non-finite values are refused. */
  recordIssue(
    kind: ForecastKind,
    target: string,
    issuedAt: number,
    start: number,
    slotMs: number,
    values: readonly number[],
  ): void {
    if (!(slotMs > 0) || values.length === 0 || values.length > 10_000)
      throw new Error('a forecast needs 1..10000 slots of positive length');
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`forecast value ${bad} is not a finite number`);
    const data = new Uint8Array(Float64Array.from(values).buffer);
    this.#insertIssue.run(kind, target, issuedAt, start, slotMs, values.length, data);
  }

  /** Stores measured values per slot (replacing earlier ones for the same slot). */
  recordActuals(
    kind: ForecastKind,
    target: string,
    slotMs: number,
    points: ReadonlyArray<{ start: number; value: number }>,
  ): void {
    const db = this.#db;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const p of points)
        if (Number.isFinite(p.value)) this.#upsertActual.run(kind, target, p.start, slotMs, p.value);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }

  /** MAE and bias (forecast - actual) over the last 7 and 30 days before `now`. */
  accuracy(kind: ForecastKind, target: string, now: number, opts: AccuracyOptions = {}): ForecastAccuracy {
    const leadMs = opts.leadMs ?? 0;
    const from = now - 30 * DAY;
    const issues = this.#db
      .prepare(
        `SELECT issued_at, start, slot_ms, n, data FROM energy_forecast_issues
         WHERE kind = ? AND target = ? AND start < ? AND start + n * slot_ms > ? ORDER BY issued_at, id`,
      )
      .all(kind, target, now, from) as Array<{
      issued_at: number;
      start: number;
      slot_ms: number;
      n: number;
      data: Uint8Array;
    }>;
    // the latest eligible forecast per slot start
    const forecast = new Map<number, number>();
    for (const i of issues) {
      const values = new Float64Array(i.data.buffer.slice(i.data.byteOffset, i.data.byteOffset + i.n * 8));
      for (let k = 0; k < i.n; k++) {
        const slot = i.start + k * i.slot_ms;
        if (slot < from || slot >= now || i.issued_at > slot - leadMs) continue;
        forecast.set(slot, values[k]!);
      }
    }
    const actuals = this.#db
      .prepare(
        'SELECT slot_start, value FROM energy_forecast_actuals WHERE kind = ? AND target = ? AND slot_start >= ? AND slot_start < ?',
      )
      .all(kind, target, from, now) as Array<{ slot_start: number; value: number }>;
    const window = (days: number): AccuracyWindow => {
      const since = now - days * DAY;
      let n = 0;
      let abs = 0;
      let err = 0;
      let act = 0;
      for (const a of actuals) {
        if (a.slot_start < since) continue;
        const f = forecast.get(a.slot_start);
        if (f === undefined) continue;
        n++;
        abs += Math.abs(f - a.value);
        err += f - a.value;
        act += a.value;
      }
      return n === 0
        ? { days, n, mae: null, bias: null, meanActual: null }
        : { days, n, mae: abs / n, bias: err / n, meanActual: act / n };
    };
    return { kind, target, unit: UNITS[kind], leadMs, last7: window(7), last30: window(30) };
  }

  /** Deletes forecasts and actuals whose slots all ended before `before` (keep 35 days for the 30-day figure). */
  sweep(before: number): number {
    const a = Number(
      this.#db.prepare('DELETE FROM energy_forecast_issues WHERE start + n * slot_ms < ?').run(before)
        .changes,
    );
    const b = Number(
      this.#db.prepare('DELETE FROM energy_forecast_actuals WHERE slot_start + slot_ms < ?').run(before)
        .changes,
    );
    return a + b;
  }

  close(): void {
    this.#db.close();
  }
}
