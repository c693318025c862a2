import { DatabaseSync } from 'node:sqlite';

/**
 * The energy stores (correction log, meter repair state, day-ahead prices, issued forecasts) keep
 * their tables in the core's database file, as history and rule traces do. Each opens its own
 * connection; WAL lets them and the document store work side by side. Tables are prefixed
 * `energy_`; each store's schema version is a row of `energy_schema`, since the document store owns
 * `PRAGMA user_version`.
 */
export function openEnergyDb(file: string): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA busy_timeout = 2000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  return db;
}

/** Runs the migrations of `store` not yet applied, each in its own transaction. */
export function migrateStore(db: DatabaseSync, store: string, migrations: readonly string[]): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS energy_schema (store TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID',
  );
  const row = db.prepare('SELECT version FROM energy_schema WHERE store = ?').get(store) as
    { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > migrations.length)
    throw new Error(
      `${store} schema version ${current} is newer than this build understands (${migrations.length})`,
    );
  for (let v = current; v < migrations.length; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migrations[v]!);
      db.prepare('INSERT OR REPLACE INTO energy_schema (store, version) VALUES (?, ?)').run(store, v + 1);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}
