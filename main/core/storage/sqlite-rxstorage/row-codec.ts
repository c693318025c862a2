import type { RxDocumentData } from 'rxdb';
import { CorruptRowError } from './errors.ts';

type RowOwner = { readonly collectionName: string; readonly primaryPath: string };

/**
 * Parses the data column. Anything that is not a JSON object carrying its own id is reported as
 * a CorruptRowError (collection + id) instead of surfacing as a bare SyntaxError or, worse, as a
 * document that silently lacks fields.
 */
export function parseStoredDocument<T = unknown>(
  owner: RowOwner,
  id: string,
  text: unknown,
): RxDocumentData<T> {
  if (typeof text !== 'string') {
    throw new CorruptRowError(
      owner.collectionName,
      id,
      `data column holds ${typeof text}, expected JSON text`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CorruptRowError(
      owner.collectionName,
      id,
      `data column is not valid JSON (${String(error)})`,
      error,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CorruptRowError(owner.collectionName, id, 'data column is not a JSON object');
  }
  const record = parsed as Record<string, unknown>;
  if (record[owner.primaryPath] !== id) {
    throw new CorruptRowError(
      owner.collectionName,
      id,
      `document's "${owner.primaryPath}" does not match the row id`,
    );
  }
  if (typeof record['_rev'] !== 'string' || typeof record['_meta'] !== 'object' || record['_meta'] === null) {
    throw new CorruptRowError(owner.collectionName, id, 'document lacks _rev or _meta');
  }
  return parsed as RxDocumentData<T>;
}

export function serializeDocument(doc: RxDocumentData<unknown>): string {
  return JSON.stringify(doc);
}
