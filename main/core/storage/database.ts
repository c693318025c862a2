import { createRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { COLLECTION_SCHEMAS, type CollectionName } from './collections.ts';

export type TrussCollections = { [K in CollectionName]: RxCollection };
export type TrussDatabase = RxDatabase<TrussCollections>;

/**
 * Opens the document database. Dev-mode is never added here: it is a development plugin and
 * production builds must not carry it (nor its network-touching tracking code).
 */
export async function openDatabase(
  storage: RxStorage<unknown, unknown>,
  name = 'truss',
): Promise<TrussDatabase> {
  const db = await createRxDatabase<TrussCollections>({
    name,
    storage,
    multiInstance: false,
    eventReduce: true,
    closeDuplicates: true,
  });
  const collections = Object.fromEntries(
    Object.entries(COLLECTION_SCHEMAS).map(([collectionName, schema]) => [collectionName, { schema }]),
  );
  await db.addCollections(collections as never);
  return db;
}

/** The plain JSON of a document, without RxDB's internal fields. */
export function plain<T>(doc: { toJSON(withMeta?: boolean): unknown }): T {
  return doc.toJSON(false) as T;
}
