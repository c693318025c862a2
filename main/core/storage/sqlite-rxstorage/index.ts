import { ensureRxStorageInstanceParamsAreCorrect, RXDB_VERSION } from 'rxdb';
import type { RxDocumentData, RxJsonSchema, RxStorage, RxStorageInstanceCreationParams } from 'rxdb';
import { acquireConnection, releaseConnection } from './connection-pool.ts';
import {
  NodeSqliteStorageInstance,
  type NodeSqliteInstanceCreationOptions,
  type NodeSqliteInternals,
} from './storage-instance.ts';
import { describeTable, ensureTables } from './table-mapping.ts';

export type NodeSqliteStorageSettings = {
  /** Path of the SQLite file, or ':memory:' (data lives while at least one instance is open). */
  readonly databaseFile: string;
};

export type RxStorageNodeSqlite = RxStorage<NodeSqliteInternals, NodeSqliteInstanceCreationOptions>;

export function getRxStorageNodeSqlite(settings: NodeSqliteStorageSettings): RxStorageNodeSqlite {
  return {
    name: 'truss-node-sqlite',
    rxdbVersion: RXDB_VERSION,
    async createStorageInstance<RxDocType>(
      params: RxStorageInstanceCreationParams<RxDocType, NodeSqliteInstanceCreationOptions>,
    ): Promise<NodeSqliteStorageInstance<RxDocType>> {
      ensureRxStorageInstanceParamsAreCorrect(params);
      const schema = params.schema as RxJsonSchema<RxDocumentData<unknown>>;
      const mapping = describeTable(params.databaseName, params.collectionName, schema);
      const connection = acquireConnection(settings.databaseFile);
      try {
        ensureTables(connection.db, mapping, schema);
      } catch (error) {
        releaseConnection(connection);
        throw error;
      }
      return new NodeSqliteStorageInstance<RxDocType>({
        connection,
        mapping,
        databaseName: params.databaseName,
        collectionName: params.collectionName,
        schema: params.schema,
        options: params.options,
        databaseFile: settings.databaseFile,
      });
    },
  };
}

export { CorruptRowError, storageClosedError } from './errors.ts';
export { STORAGE_FORMAT_VERSION, openConnectionCount } from './connection-pool.ts';
export type { NodeSqliteInternals, NodeSqliteInstanceCreationOptions } from './storage-instance.ts';
export { NodeSqliteStorageInstance } from './storage-instance.ts';
