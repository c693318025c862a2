import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { getIndexableStringMonad, getPrimaryFieldOfPrimaryKey, toArray } from 'rxdb';
import type { RxDocumentData, RxJsonSchema } from 'rxdb';
import { toIndexKey } from './index-key.ts';
import { parseStoredDocument } from './row-codec.ts';
import { META_TABLE } from './connection-pool.ts';

/** One schema index = one BLOB column holding RxDB's indexable string, with a SQLite index on it. */
export type IndexColumn = {
  readonly fields: readonly string[];
  readonly column: string;
  readonly keyOf: (doc: RxDocumentData<unknown>) => Uint8Array;
};

export type CollectionTable = {
  readonly databaseName: string;
  readonly collectionName: string;
  readonly primaryPath: string;
  /** Quoted identifiers, safe to splice into SQL. */
  readonly table: string;
  readonly attachmentsTable: string;
  readonly tableName: string;
  readonly attachmentsTableName: string;
  readonly indexColumns: readonly IndexColumn[];
  readonly columnByIndex: ReadonlyMap<string, IndexColumn>;
};

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

function readableTablePart(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40);
}

export function indexName(fields: readonly string[]): string {
  return fields.join(',');
}

/** The schema's indexes plus the one cleanup() walks, deduplicated (as the memory storage does). */
export function indexesOfSchema(schema: RxJsonSchema<RxDocumentData<unknown>>): string[][] {
  const primaryPath = getPrimaryFieldOfPrimaryKey(schema.primaryKey) as string;
  const indexes = (schema.indexes ?? []).map((index) => toArray(index as string | string[]).slice());
  indexes.push(['_deleted', '_meta.lwt', primaryPath]);
  const seen = new Set<string>();
  return indexes.filter((fields) => {
    const name = indexName(fields);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

export function describeTable(
  databaseName: string,
  collectionName: string,
  schema: RxJsonSchema<RxDocumentData<unknown>>,
): CollectionTable {
  const primaryPath = getPrimaryFieldOfPrimaryKey(schema.primaryKey) as string;
  // Readable prefix for humans, hash so that sanitising two different names can never collide.
  const tableName =
    `rx_${readableTablePart(databaseName)}__${readableTablePart(collectionName)}__v${schema.version}_` +
    shortHash(JSON.stringify([databaseName, collectionName, schema.version]));
  const attachmentsTableName = `${tableName}__attachments`;
  const indexColumns = indexesOfSchema(schema).map((fields): IndexColumn => {
    const toIndexString = getIndexableStringMonad(schema, fields);
    return {
      fields,
      column: `ix_${shortHash(indexName(fields))}`,
      keyOf: (doc) => toIndexKey(toIndexString(doc)),
    };
  });
  return {
    databaseName,
    collectionName,
    primaryPath,
    table: quoteIdentifier(tableName),
    attachmentsTable: quoteIdentifier(attachmentsTableName),
    tableName,
    attachmentsTableName,
    indexColumns,
    columnByIndex: new Map(indexColumns.map((column) => [indexName(column.fields), column])),
  };
}

/**
 * Creates the tables if needed. An existing table that lacks an index column (the schema gained an
 * index without a version bump, or an older build wrote it) gets the column and a backfill.
 */
export function ensureTables(
  db: DatabaseSync,
  mapping: CollectionTable,
  schema: RxJsonSchema<RxDocumentData<unknown>>,
): void {
  const { table } = mapping;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      id TEXT PRIMARY KEY NOT NULL,
      id_key BLOB NOT NULL,
      deleted INTEGER NOT NULL,
      lwt REAL NOT NULL,
      data TEXT NOT NULL
    )`);
    db.exec(
      `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${mapping.tableName}__changes`)} ON ${table} (lwt, id_key)`,
    );
    db.exec(
      `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${mapping.tableName}__tombstones`)} ON ${table} (deleted, lwt)`,
    );
    const existing = new Set(
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((row) => row.name),
    );
    const missing = mapping.indexColumns.filter((column) => !existing.has(column.column));
    for (const column of missing) {
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column.column} BLOB`);
    }
    if (missing.length > 0) backfillIndexColumns(db, mapping, missing);
    for (const column of mapping.indexColumns) {
      db.exec(
        `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${mapping.tableName}__${column.column}`)} ON ${table} (${column.column})`,
      );
    }
    if (schema.attachments) {
      db.exec(`CREATE TABLE IF NOT EXISTS ${mapping.attachmentsTable} (
        document_id TEXT NOT NULL,
        attachment_id TEXT NOT NULL,
        digest TEXT NOT NULL,
        type TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (document_id, attachment_id)
      )`);
    }
    db.prepare(
      `INSERT INTO ${META_TABLE} (table_name, database_name, collection_name, schema_version, schema_json)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(table_name) DO UPDATE SET schema_json = excluded.schema_json`,
    ).run(
      mapping.tableName,
      mapping.databaseName,
      mapping.collectionName,
      schema.version,
      JSON.stringify(schema),
    );
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function backfillIndexColumns(
  db: DatabaseSync,
  mapping: CollectionTable,
  columns: readonly IndexColumn[],
): void {
  const rows = db.prepare(`SELECT id, data FROM ${mapping.table}`).all() as { id: string; data: string }[];
  if (rows.length === 0) return;
  const update = db.prepare(
    `UPDATE ${mapping.table} SET ${columns.map((c) => `${c.column} = ?`).join(', ')} WHERE id = ?`,
  );
  for (const row of rows) {
    const doc = parseStoredDocument(mapping, row.id, row.data);
    update.run(...columns.map((c) => c.keyOf(doc)), row.id);
  }
}

export function dropTables(db: DatabaseSync, mapping: CollectionTable): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(`DROP TABLE IF EXISTS ${mapping.table}`);
    db.exec(`DROP TABLE IF EXISTS ${mapping.attachmentsTable}`);
    db.prepare(`DELETE FROM ${META_TABLE} WHERE table_name = ?`).run(mapping.tableName);
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
