import type { DatabaseSync } from 'node:sqlite';

/**
 * The history tables share the SQLite file with the document store, which owns
 * `PRAGMA user_version`; our schema version therefore lives in a table of our own.
 * Every table is prefixed `ts_` so the two never collide.
 */
const MIGRATIONS: readonly string[] = [
  // 1: series registry, raw samples packed in chunks, rollups.
  `
  CREATE TABLE ts_series (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL UNIQUE,
    counter INTEGER NOT NULL DEFAULT 0,
    retention TEXT,
    last_ts INTEGER,
    last_value REAL
  );
  -- One row per series per flushed batch and hour: a row per sample would make the B-tree, not the
  -- data, the cost of ingest. data = Float64Array [ts..., value...], sorted by ts.
  CREATE TABLE ts_raw_chunk (
    id INTEGER PRIMARY KEY,
    series INTEGER NOT NULL,
    t_min INTEGER NOT NULL,
    t_max INTEGER NOT NULL,
    n INTEGER NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX ts_raw_chunk_by_series_time ON ts_raw_chunk (series, t_max, t_min);
  -- res: 0 minute, 1 hour, 2 day. sum + count rather than mean so batches merge exactly;
  -- last_ts so a late sample never overwrites a newer last; delta only for counters.
  CREATE TABLE ts_rollup (
    series INTEGER NOT NULL,
    res INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    sum REAL NOT NULL,
    count INTEGER NOT NULL,
    last REAL NOT NULL,
    last_ts INTEGER NOT NULL,
    delta REAL,
    PRIMARY KEY (series, res, bucket)
  ) WITHOUT ROWID;
  `,
  // 2: closed days are packed (packed-samples.ts): 1; 0 marks the plain float64 chunks ingest
  // writes, 2 samples kept plain because they cannot be packed exactly.
  // The partial index finds what is left to pack without reading the packed majority.
  // Minute and hour buckets of closed days are packed per series and day (rollup-block.ts); rows
  // stay in ts_rollup only for the open day and for late samples until the next pass.
  `ALTER TABLE ts_raw_chunk ADD COLUMN packed INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX ts_raw_chunk_unpacked ON ts_raw_chunk (t_max) WHERE packed = 0;
   CREATE TABLE ts_rollup_block (
     series INTEGER NOT NULL,
     res INTEGER NOT NULL,
     day INTEGER NOT NULL,
     n INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (series, res, day)
   ) WITHOUT ROWID;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS ts_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  const row = db.prepare("SELECT value FROM ts_meta WHERE key = 'schema_version'").get() as
    { value: string } | undefined;
  const current = row ? Number(row.value) : 0;
  if (!Number.isInteger(current) || current > SCHEMA_VERSION) {
    throw new Error(
      `history schema version ${row?.value} is newer than this build understands (${SCHEMA_VERSION})`,
    );
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[v]!);
      db.prepare("INSERT OR REPLACE INTO ts_meta (key, value) VALUES ('schema_version', ?)").run(
        String(v + 1),
      );
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}
