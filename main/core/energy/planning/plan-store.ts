import type { DatabaseSync } from 'node:sqlite';
import type { PlanView } from '../../../../shared/energy/plan.ts';
import {
  type DrEventView,
  type PlanOverride,
  PlanSettings,
} from '../../../../shared/energy/plan-settings.ts';
import { migrateStore, openEnergyDb } from '../metering/energy-db.ts';

const MIGRATIONS = [
  `CREATE TABLE energy_plan_kv (key TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE energy_plan_overrides (asset TEXT PRIMARY KEY, json TEXT NOT NULL, until INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE energy_plan_dr (
     id TEXT PRIMARY KEY,
     cap_kw REAL NOT NULL,
     start INTEGER NOT NULL,
     end INTEGER NOT NULL,
     source TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     compliance TEXT
   ) WITHOUT ROWID;`,
];

/**
 * The planner's own tables in the core's SQLite file: its settings, the overrides in force, the
 * demand-response events with their compliance, and the last plan (shown again after a restart).
 * Every write is one statement or transaction: an acknowledged change is on disk.
 */
export class PlanStore {
  readonly #db: DatabaseSync;

  constructor(file: string) {
    this.#db = openEnergyDb(file);
    migrateStore(this.#db, 'plan', MIGRATIONS);
  }

  close(): void {
    this.#db.close();
  }

  settings(): PlanSettings {
    const row = this.#get('settings');
    const parsed = PlanSettings.safeParse(row ?? {});
    // settings are validated before they are saved; a row this build cannot read falls back to defaults
    return parsed.success ? parsed.data : PlanSettings.parse({});
  }

  saveSettings(s: PlanSettings): void {
    this.#put('settings', s);
  }

  lastPlan(): PlanView | null {
    return (this.#get('last_plan') as PlanView | undefined) ?? null;
  }

  saveLastPlan(p: PlanView): void {
    this.#put('last_plan', p);
  }

  overrides(now: number): PlanOverride[] {
    this.#db.prepare('DELETE FROM energy_plan_overrides WHERE until <= ?').run(now);
    return (
      this.#db.prepare('SELECT json FROM energy_plan_overrides ORDER BY asset').all() as { json: string }[]
    ).map((r) => JSON.parse(r.json) as PlanOverride);
  }

  setOverride(o: PlanOverride): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO energy_plan_overrides (asset, json, until) VALUES (?, ?, ?)')
      .run(o.asset, JSON.stringify(o), o.until);
  }

  clearOverride(asset: string): boolean {
    return (
      Number(this.#db.prepare('DELETE FROM energy_plan_overrides WHERE asset = ?').run(asset).changes) > 0
    );
  }

  addDr(e: Omit<DrEventView, 'compliance'>): void {
    this.#db
      .prepare(
        'INSERT OR REPLACE INTO energy_plan_dr (id, cap_kw, start, end, source, received_at, compliance) VALUES (?, ?, ?, ?, ?, ?, NULL)',
      )
      .run(e.id, e.capKw, e.from, e.to, e.source, e.receivedAt);
  }

  setCompliance(id: string, c: NonNullable<DrEventView['compliance']>): void {
    this.#db.prepare('UPDATE energy_plan_dr SET compliance = ? WHERE id = ?').run(JSON.stringify(c), id);
  }

  /** events that end after `since`, newest first */
  drEvents(since: number, limit = 100): DrEventView[] {
    const rows = this.#db
      .prepare('SELECT * FROM energy_plan_dr WHERE end > ? ORDER BY start DESC LIMIT ?')
      .all(since, limit) as {
      id: string;
      cap_kw: number;
      start: number;
      end: number;
      source: string;
      received_at: number;
      compliance: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      capKw: r.cap_kw,
      from: r.start,
      to: r.end,
      source: r.source,
      receivedAt: r.received_at,
      compliance: r.compliance ? (JSON.parse(r.compliance) as DrEventView['compliance']) : null,
    }));
  }

  #get(key: string): unknown {
    const row = this.#db.prepare('SELECT json FROM energy_plan_kv WHERE key = ?').get(key) as
      { json: string } | undefined;
    return row ? (JSON.parse(row.json) as unknown) : undefined;
  }

  #put(key: string, value: unknown): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO energy_plan_kv (key, json) VALUES (?, ?)')
      .run(key, JSON.stringify(value));
  }
}
