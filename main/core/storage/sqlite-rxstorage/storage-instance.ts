import type { StatementSync } from 'node:sqlite';
import { Subject, type Observable } from 'rxjs';
import { categorizeBulkWriteRows, now } from 'rxdb';
import type {
  BulkWriteRow,
  CategorizeBulkWriteRowsOutput,
  EventBulk,
  PreparedQuery,
  RxDocumentData,
  RxJsonSchema,
  RxStorageBulkWriteResponse,
  RxStorageChangeEvent,
  RxStorageCountResult,
  RxStorageDefaultCheckpoint,
  RxStorageInstance,
  RxStorageQueryResult,
  StringKeys,
} from 'rxdb';
import {
  attachmentFromRow,
  readAttachmentBodies,
  writeAttachments,
  type AttachmentStatements,
} from './attachments.ts';
import type { ChangeBulk } from './change-hub.ts';
import { releaseConnection, type SharedConnection } from './connection-pool.ts';
import { storageClosedError } from './errors.ts';
import { toIndexKey } from './index-key.ts';
import { explainRangeScan, runCount, runQuery, type QueryContext } from './query-execution.ts';
import { parseStoredDocument, serializeDocument } from './row-codec.ts';
import { dropTables, type CollectionTable } from './table-mapping.ts';

export type NodeSqliteInternals = {
  readonly databaseFile: string;
  readonly tableName: string;
};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type NodeSqliteInstanceCreationOptions = {};

type StoredRow = { id: string; data: string };

export class NodeSqliteStorageInstance<RxDocType> implements RxStorageInstance<
  RxDocType,
  NodeSqliteInternals,
  NodeSqliteInstanceCreationOptions,
  RxStorageDefaultCheckpoint
> {
  readonly databaseName: string;
  readonly collectionName: string;
  readonly schema: Readonly<RxJsonSchema<RxDocumentData<RxDocType>>>;
  readonly internals: NodeSqliteInternals;
  readonly options: Readonly<NodeSqliteInstanceCreationOptions>;
  readonly primaryPath: StringKeys<RxDocumentData<RxDocType>>;
  closed = false;

  readonly #connection: SharedConnection;
  readonly #mapping: CollectionTable;
  readonly #statements = new Map<string, StatementSync>();
  readonly #changes = new Subject<ChangeBulk>();
  readonly #hubKey: string;
  readonly #unsubscribeHub: () => void;
  readonly #onForeignChange = (bulk: ChangeBulk): void => this.#changes.next(bulk);

  constructor(args: {
    connection: SharedConnection;
    mapping: CollectionTable;
    databaseName: string;
    collectionName: string;
    schema: Readonly<RxJsonSchema<RxDocumentData<RxDocType>>>;
    options: Readonly<NodeSqliteInstanceCreationOptions>;
    databaseFile: string;
  }) {
    this.#connection = args.connection;
    this.#mapping = args.mapping;
    this.databaseName = args.databaseName;
    this.collectionName = args.collectionName;
    this.schema = args.schema;
    this.options = args.options;
    this.primaryPath = args.mapping.primaryPath as StringKeys<RxDocumentData<RxDocType>>;
    this.internals = { databaseFile: args.databaseFile, tableName: args.mapping.tableName };
    this.#hubKey = JSON.stringify([args.databaseName, args.collectionName, args.schema.version]);
    this.#unsubscribeHub = this.#connection.changeHub.subscribe(this.#hubKey, this.#onForeignChange);
  }

  #prepare = (sql: string): StatementSync => {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#connection.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  };

  #ensureOpen(operation: string): void {
    if (this.closed) throw storageClosedError(this.collectionName, operation);
  }

  get #queryContext(): QueryContext {
    return {
      prepare: this.#prepare,
      mapping: this.#mapping,
      schema: this.schema as RxJsonSchema<RxDocumentData<unknown>>,
    };
  }

  #readByIds(ids: readonly string[], withDeleted: boolean): Map<string, RxDocumentData<RxDocType>> {
    const found = new Map<string, RxDocumentData<RxDocType>>();
    if (ids.length === 0) return found;
    const rows = this.#prepare(
      `SELECT id, data FROM ${this.#mapping.table} WHERE id IN (SELECT value FROM json_each(?))` +
        (withDeleted ? '' : ' AND deleted = 0'),
    ).all(JSON.stringify(ids)) as StoredRow[];
    for (const row of rows)
      found.set(row.id, parseStoredDocument<RxDocType>(this.#mapping, row.id, row.data));
    return found;
  }

  async bulkWrite(
    documentWrites: BulkWriteRow<RxDocType>[],
    context: string,
  ): Promise<RxStorageBulkWriteResponse<RxDocType>> {
    this.#ensureOpen('bulkWrite');
    const bodies = this.schema.attachments
      ? await readAttachmentBodies(documentWrites as BulkWriteRow<unknown>[])
      : new Map<Blob, Uint8Array>();
    this.#ensureOpen('bulkWrite');

    // From here on everything is synchronous, and the write lock is taken before the current
    // state is read: neither another instance in this process nor another process on the same
    // file can slip a write in between the conflict check and the commit.
    const db = this.#connection.db;
    const ids = documentWrites.map((row) => row.document[this.primaryPath] as string);
    let categorized: CategorizeBulkWriteRowsOutput<RxDocType>;
    db.exec('BEGIN IMMEDIATE');
    try {
      const docsInDb = this.#readByIds(ids, true);
      categorized = categorizeBulkWriteRows<RxDocType>(
        this,
        this.primaryPath as StringKeys<RxDocType>,
        docsInDb,
        documentWrites,
        context,
      );
      this.#storeCategorized(categorized, bodies);
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }

    if (categorized.eventBulk.events.length > 0) {
      const newest = categorized.newestRow?.document;
      if (newest) {
        categorized.eventBulk.checkpoint = { id: newest[this.primaryPath] as string, lwt: newest._meta.lwt };
      }
      const bulk = categorized.eventBulk as unknown as ChangeBulk;
      this.#changes.next(bulk);
      this.#connection.changeHub.publish(this.#hubKey, this.#onForeignChange, bulk);
    }
    return { error: categorized.errors };
  }

  #storeCategorized(
    categorized: CategorizeBulkWriteRowsOutput<RxDocType>,
    bodies: Map<Blob, Uint8Array>,
  ): void {
    const columns = this.#mapping.indexColumns;
    const upsert = this.#prepare(
      `INSERT INTO ${this.#mapping.table} (id, id_key, deleted, lwt, data${columns.map((c) => `, ${c.column}`).join('')})
       VALUES (?, ?, ?, ?, ?${', ?'.repeat(columns.length)})
       ON CONFLICT(id) DO UPDATE SET id_key = excluded.id_key, deleted = excluded.deleted, lwt = excluded.lwt,
       data = excluded.data${columns.map((c) => `, ${c.column} = excluded.${c.column}`).join('')}`,
    );
    for (const row of [...categorized.bulkInsertDocs, ...categorized.bulkUpdateDocs]) {
      const doc = row.document as RxDocumentData<unknown>;
      const id = (doc as Record<string, unknown>)[this.primaryPath] as string;
      upsert.run(
        id,
        toIndexKey(id),
        doc._deleted ? 1 : 0,
        doc._meta.lwt,
        serializeDocument(doc),
        ...columns.map((c) => c.keyOf(doc)),
      );
    }
    if (this.schema.attachments) writeAttachments(this.#attachmentStatements(), categorized as never, bodies);
  }

  #attachmentStatements(): AttachmentStatements {
    const table = this.#mapping.attachmentsTable;
    return {
      upsert: this.#prepare(
        `INSERT INTO ${table} (document_id, attachment_id, digest, type, data) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(document_id, attachment_id) DO UPDATE SET digest = excluded.digest, type = excluded.type, data = excluded.data`,
      ),
      remove: this.#prepare(`DELETE FROM ${table} WHERE document_id = ? AND attachment_id = ?`),
    };
  }

  async findDocumentsById(ids: string[], withDeleted: boolean): Promise<RxDocumentData<RxDocType>[]> {
    this.#ensureOpen('findDocumentsById');
    const found = this.#readByIds(ids, withDeleted);
    const result: RxDocumentData<RxDocType>[] = [];
    for (const id of ids) {
      const doc = found.get(id);
      if (doc) result.push(doc);
    }
    return result;
  }

  async query(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageQueryResult<RxDocType>> {
    this.#ensureOpen('query');
    const documents = runQuery(this.#queryContext, preparedQuery as PreparedQuery<unknown>);
    return { documents: documents as RxDocumentData<RxDocType>[] };
  }

  /** SQLite's EXPLAIN QUERY PLAN lines for the range scan this query would run. */
  explainQuery(preparedQuery: PreparedQuery<RxDocType>): string[] {
    this.#ensureOpen('explainQuery');
    return explainRangeScan(this.#queryContext, preparedQuery as PreparedQuery<unknown>);
  }

  async count(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageCountResult> {
    this.#ensureOpen('count');
    // 'fast' as the memory storage reports: the scan runs inside SQLite-backed iteration, no extra round trips.
    return { count: runCount(this.#queryContext, preparedQuery as PreparedQuery<unknown>), mode: 'fast' };
  }

  async getChangedDocumentsSince(
    limit: number,
    checkpoint?: RxStorageDefaultCheckpoint,
  ): Promise<{ documents: RxDocumentData<RxDocType>[]; checkpoint: RxStorageDefaultCheckpoint }> {
    this.#ensureOpen('getChangedDocumentsSince');
    const table = this.#mapping.table;
    const rows = (
      checkpoint
        ? this.#prepare(
            `SELECT id, data FROM ${table} WHERE lwt > ? OR (lwt = ? AND id_key > ?) ORDER BY lwt, id_key LIMIT ?`,
          ).all(checkpoint.lwt, checkpoint.lwt, toIndexKey(checkpoint.id), limit)
        : this.#prepare(`SELECT id, data FROM ${table} ORDER BY lwt, id_key LIMIT ?`).all(limit)
    ) as StoredRow[];
    const documents = rows.map((row) => parseStoredDocument<RxDocType>(this.#mapping, row.id, row.data));
    const last = documents[documents.length - 1];
    return {
      documents,
      checkpoint: last
        ? { id: last[this.primaryPath] as string, lwt: last._meta.lwt }
        : (checkpoint ?? { id: '', lwt: 0 }),
    };
  }

  async getAttachmentData(documentId: string, attachmentId: string, digest: string): Promise<Blob> {
    this.#ensureOpen('getAttachmentData');
    if (!this.schema.attachments) {
      throw new Error(`collection "${this.collectionName}" has no attachments in its schema`);
    }
    const row = this.#prepare(
      `SELECT digest, type, data FROM ${this.#mapping.attachmentsTable} WHERE document_id = ? AND attachment_id = ?`,
    ).get(documentId, attachmentId) as
      { digest: string; type: string; data: Uint8Array | string } | undefined;
    if (!row || !digest || row.digest !== digest) {
      throw new Error(
        `attachment does not exist: collection "${this.collectionName}", document "${documentId}", attachment "${attachmentId}"`,
      );
    }
    return attachmentFromRow(row);
  }

  changeStream(): Observable<
    EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint>
  > {
    return this.#changes.asObservable() as unknown as Observable<
      EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint>
    >;
  }

  async cleanup(minimumDeletedTime: number): Promise<boolean> {
    this.#ensureOpen('cleanup');
    const maxDeletionTime = now() - minimumDeletedTime;
    const db = this.#connection.db;
    db.exec('BEGIN IMMEDIATE');
    try {
      if (this.schema.attachments) {
        this.#prepare(
          `DELETE FROM ${this.#mapping.attachmentsTable} WHERE document_id IN
           (SELECT id FROM ${this.#mapping.table} WHERE deleted = 1 AND lwt <= ?)`,
        ).run(maxDeletionTime);
      }
      this.#prepare(`DELETE FROM ${this.#mapping.table} WHERE deleted = 1 AND lwt <= ?`).run(maxDeletionTime);
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
    return true;
  }

  async remove(): Promise<void> {
    this.#ensureOpen('remove');
    dropTables(this.#connection.db, this.#mapping);
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.#unsubscribeHub();
    this.#changes.complete();
    this.#statements.clear();
    releaseConnection(this.#connection);
  }
}
