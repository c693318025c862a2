import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CorrectionRule, MeterCorrection } from '../../../../shared/energy/metering.ts';
import { migrateStore, openEnergyDb } from './energy-db.ts';
import {
  type CounterConfig,
  CounterRepair,
  type RawReading,
  type RepairState,
  type RepairedReading,
} from './repair.ts';

const MIGRATIONS = [
  `CREATE TABLE energy_meter_corrections (
     id INTEGER PRIMARY KEY,
     meter_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     logged_at INTEGER NOT NULL,
     rule TEXT NOT NULL,
     prev_ts INTEGER,
     prev_value REAL,
     prev_unit TEXT,
     raw_ts INTEGER NOT NULL,
     raw_value REAL,
     raw_unit TEXT,
     delta_kwh REAL,
     total_kwh REAL,
     detail TEXT NOT NULL,
     UNIQUE (meter_id, at, rule)
   );
   CREATE INDEX energy_meter_corrections_time ON energy_meter_corrections (at);
   CREATE TABLE energy_meter_state (
     meter_id TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   ) WITHOUT ROWID;`,
];

export interface CorrectionQuery {
  meterId?: string;
  from?: number;
  to?: number;
  rule?: CorrectionRule;
  /** default 500, at most 10,000 */
  limit?: number;
}

interface Row {
  meter_id: string;
  at: number;
  logged_at: number;
  rule: string;
  prev_ts: number | null;
  prev_value: number | null;
  prev_unit: string | null;
  raw_ts: number;
  raw_value: number | null;
  raw_unit: string | null;
  delta_kwh: number | null;
  total_kwh: number | null;
  detail: string;
}

export interface IngestOutcome {
  readings: RepairedReading[];
  corrections: MeterCorrection[];
  /** readings waiting for the next ones to tell a spike from a new level */
  pending: number;
}

/**
 * Counter repair with its state and its correction log in the core's SQLite file. Each batch's
 * corrections and the meter's new state are written in one transaction, so a crash never leaves
 * a correction applied but unlogged, or logged twice (a correction is unique per meter, reading
 * time and rule).
 */
export class MeterRepairStore {
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  readonly #insert: StatementSync;
  readonly #saveState: StatementSync;
  readonly #loadState: StatementSync;

  constructor(file: string, now: () => number = Date.now) {
    this.#now = now;
    this.#db = openEnergyDb(file);
    migrateStore(this.#db, 'metering', MIGRATIONS);
    this.#insert = this.#db.prepare(
      `INSERT OR IGNORE INTO energy_meter_corrections
       (meter_id, at, logged_at, rule, prev_ts, prev_value, prev_unit, raw_ts, raw_value, raw_unit, delta_kwh, total_kwh, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#saveState = this.#db.prepare(
      'INSERT OR REPLACE INTO energy_meter_state (meter_id, state, updated_at) VALUES (?, ?, ?)',
    );
    this.#loadState = this.#db.prepare('SELECT state FROM energy_meter_state WHERE meter_id = ?');
  }

  /** Repairs a meter's next readings, continuing from its stored state. */
  ingest(meterId: string, config: CounterConfig, readings: readonly RawReading[]): IngestOutcome {
    const repair = new CounterRepair(meterId, config, this.state(meterId) ?? undefined, this.#now);
    const out = repair.push(readings);
    const db = this.#db;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const c of out.corrections) {
        const finite = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);
        this.#insert.run(
          c.meterId,
          c.at,
          c.loggedAt,
          c.rule,
          c.raw.prevTs,
          finite(c.raw.prevValue),
          c.raw.prevUnit,
          c.raw.ts,
          finite(c.raw.value),
          c.raw.unit,
          finite(c.corrected.deltaKWh),
          finite(c.corrected.totalKWh),
          c.detail.slice(0, 1000),
        );
      }
      this.#saveState.run(meterId, JSON.stringify(repair.state), this.#now());
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    return { ...out, pending: repair.state.pending.length };
  }

  state(meterId: string): RepairState | null {
    const row = this.#loadState.get(meterId) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as RepairState) : null;
  }

  /** Forgets a meter's repair state (a replaced meter starts afresh); its log stays. */
  forget(meterId: string): void {
    this.#db.prepare('DELETE FROM energy_meter_state WHERE meter_id = ?').run(meterId);
  }

  /** The correction log, newest first. A non-finite raw value reads back as NaN. */
  corrections(q: CorrectionQuery = {}): MeterCorrection[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.meterId !== undefined) {
      where.push('meter_id = ?');
      args.push(q.meterId);
    }
    if (q.from !== undefined) {
      where.push('at >= ?');
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('at < ?');
      args.push(q.to);
    }
    if (q.rule !== undefined) {
      where.push('rule = ?');
      args.push(q.rule);
    }
    const limit = Math.max(1, Math.min(10_000, q.limit ?? 500));
    const rows = this.#db
      .prepare(
        `SELECT * FROM energy_meter_corrections ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY at DESC, id DESC LIMIT ${limit}`,
      )
      .all(...args) as unknown as Row[];
    return rows.map((r) => ({
      meterId: r.meter_id,
      at: r.at,
      loggedAt: r.logged_at,
      rule: r.rule as CorrectionRule,
      raw: {
        prevTs: r.prev_ts,
        prevValue: r.prev_value,
        prevUnit: r.prev_unit,
        ts: r.raw_ts,
        value: r.raw_value ?? NaN,
        unit: r.raw_unit,
      },
      corrected: { deltaKWh: r.delta_kwh, totalKWh: r.total_kwh },
      detail: r.detail,
    }));
  }

  /** The log as CSV for an auditor (RFC 4180, ISO times in UTC), oldest first. */
  correctionsCsv(q: CorrectionQuery = {}): string {
    const cell = (x: unknown) => {
      const s =
        x === null || x === undefined || (typeof x === 'number' && !Number.isFinite(x)) ? '' : String(x);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const t = (x: number | null) => (x === null ? '' : new Date(x).toISOString());
    const lines = [
      'meter,reading_time,logged_time,rule,prev_time,prev_value,prev_unit,raw_value,raw_unit,counted_kwh,repaired_total_kwh,detail',
    ];
    for (const c of this.corrections(q).reverse())
      lines.push(
        [
          c.meterId,
          t(c.at),
          t(c.loggedAt),
          c.rule,
          t(c.raw.prevTs),
          c.raw.prevValue,
          c.raw.prevUnit,
          c.raw.value,
          c.raw.unit,
          c.corrected.deltaKWh,
          c.corrected.totalKWh,
          c.detail,
        ]
          .map(cell)
          .join(','),
      );
    return `${lines.join('\r\n')}\r\n`;
  }

  close(): void {
    this.#db.close();
  }
}
