import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { ChangeHub } from './change-hub.ts';

/** Version of our own table layout, kept in PRAGMA user_version. Bump with a migration. */
export const STORAGE_FORMAT_VERSION = 1;
export const META_TABLE = 'truss_rxstorage_collections';
const BUSY_TIMEOUT_MS = 5000;

export type SharedConnection = {
  readonly key: string;
  readonly db: DatabaseSync;
  readonly changeHub: ChangeHub;
  refCount: number;
};

const connections = new Map<string, SharedConnection>();

function connectionKey(databaseFile: string): string {
  return databaseFile === ':memory:' ? databaseFile : path.resolve(databaseFile);
}

function openDatabase(databaseFile: string): DatabaseSync {
  const db = new DatabaseSync(databaseFile, {
    enableForeignKeyConstraints: false,
    timeout: BUSY_TIMEOUT_MS,
  });
  try {
    // Documents are configuration: WAL for concurrent readers, FULL so a commit survives power loss.
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec('PRAGMA foreign_keys = OFF');
    const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
    const version = row?.user_version ?? 0;
    if (version > STORAGE_FORMAT_VERSION) {
      throw new Error(
        `SQLite file ${databaseFile} has storage format ${version}, newer than this build understands (${STORAGE_FORMAT_VERSION})`,
      );
    }
    db.exec(`CREATE TABLE IF NOT EXISTS ${META_TABLE} (
      table_name TEXT PRIMARY KEY NOT NULL,
      database_name TEXT NOT NULL,
      collection_name TEXT NOT NULL,
      schema_version INTEGER NOT NULL,
      schema_json TEXT NOT NULL
    )`);
    if (version < STORAGE_FORMAT_VERSION) db.exec(`PRAGMA user_version = ${STORAGE_FORMAT_VERSION}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** One DatabaseSync per file in the process, shared by every storage instance on it. */
export function acquireConnection(databaseFile: string): SharedConnection {
  const key = connectionKey(databaseFile);
  let connection = connections.get(key);
  if (!connection) {
    connection = { key, db: openDatabase(databaseFile), changeHub: new ChangeHub(), refCount: 0 };
    connections.set(key, connection);
  }
  connection.refCount++;
  return connection;
}

/** Closes the file when its last instance lets go (for ':memory:' that discards the data). */
export function releaseConnection(connection: SharedConnection): void {
  connection.refCount--;
  if (connection.refCount > 0) return;
  connections.delete(connection.key);
  if (connection.db.isOpen) connection.db.close();
}

/** For tests and diagnostics: how many files are open and how often each is held. */
export function openConnectionCount(databaseFile: string): number {
  return connections.get(connectionKey(databaseFile))?.refCount ?? 0;
}
