import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { migrateStore, openEnergyDb } from '../metering/energy-db.ts';
import type { RepairedReading } from '../metering/repair.ts';

const MIGRATIONS = [
  `CREATE TABLE energy_meter_readings (
     meter_id TEXT NOT NULL,
     ts INTEGER NOT NULL,
     total_kwh REAL NOT NULL,
     after_gap INTEGER NOT NULL,
     PRIMARY KEY (meter_id, ts)
   ) WITHOUT ROWID;`,
];

/** A repaired reading is kept at most this often per meter: a minute's resolution serves 15-min costs. */
export const READING_STEP_MS = 60_000;
/** Repaired readings are kept this long (a billing year and its comparison year). */
export const READING_RETENTION_MS = 800 * 86_400_000;

/**
 * The repaired counters (kWh, continuous across resets and rollovers) every cost, profile and
 * forecast is computed from, in the core's SQLite file. Devices report every few seconds; one
 * reading a minute per meter is stored, and the latest one is always held in memory, so a
 * cost up to "now" is exact.
 */
export class ReadingStore {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #range: StatementSync;
  readonly #latest = new Map<string, RepairedReading>();
  readonly #lastStored = new Map<string, number>();

  constructor(file: string) {
    this.#db = openEnergyDb(file);
    migrateStore(this.#db, 'meter-readings', MIGRATIONS);
    this.#insert = this.#db.prepare(
      'INSERT OR REPLACE INTO energy_meter_readings (meter_id, ts, total_kwh, after_gap) VALUES (?, ?, ?, ?)',
    );
    this.#range = this.#db.prepare(
      'SELECT ts, total_kwh, after_gap FROM energy_meter_readings WHERE meter_id = ? AND ts >= ? AND ts <= ? ORDER BY ts',
    );
  }

  /** Adds repaired readings of one meter (in time order, as the repair returns them). */
  add(meterId: string, readings: readonly RepairedReading[]): void {
    if (readings.length === 0) return;
    let last = this.#lastStored.get(meterId);
    if (last === undefined) {
      const row = this.#db
        .prepare('SELECT MAX(ts) AS ts FROM energy_meter_readings WHERE meter_id = ?')
        .get(meterId) as { ts: number | null };
      last = row.ts ?? -Infinity;
    }
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const r of readings) {
        if (r.ts - last >= READING_STEP_MS || r.afterGap) {
          this.#insert.run(meterId, r.ts, r.totalKWh, r.afterGap ? 1 : 0);
          last = r.ts;
        }
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
    this.#lastStored.set(meterId, last);
    this.#latest.set(meterId, readings[readings.length - 1]!);
  }

  latest(meterId: string): RepairedReading | null {
    return this.#latest.get(meterId) ?? null;
  }

  /**
   * Readings of a meter covering [from, to]: the stored ones inside, the last one before `from`
   * (so the first interval can be read by interpolation) and the latest in memory.
   */
  readings(meterId: string, from: number, to: number): RepairedReading[] {
    const before = this.#db
      .prepare(
        'SELECT ts, total_kwh, after_gap FROM energy_meter_readings WHERE meter_id = ? AND ts < ? ORDER BY ts DESC LIMIT 1',
      )
      .get(meterId, from) as { ts: number; total_kwh: number; after_gap: number } | undefined;
    const rows = this.#range.all(meterId, from, to) as Array<{
      ts: number;
      total_kwh: number;
      after_gap: number;
    }>;
    const out = [...(before ? [before] : []), ...rows].map((r) => ({
      ts: r.ts,
      totalKWh: r.total_kwh,
      afterGap: r.after_gap === 1,
    }));
    const latest = this.#latest.get(meterId);
    if (latest && latest.ts <= to && (out.length === 0 || latest.ts > out[out.length - 1]!.ts))
      out.push(latest);
    return out;
  }

  sweep(now: number): number {
    return Number(
      this.#db.prepare('DELETE FROM energy_meter_readings WHERE ts < ?').run(now - READING_RETENTION_MS)
        .changes,
    );
  }

  close(): void {
    this.#db.close();
  }
}
