/**
 * Raised when a stored row cannot be turned back into a document. The message names the
 * collection and the document id so an operator can find and repair the row; the rest of the
 * collection stays readable through queries that do not touch it.
 */
export class CorruptRowError extends Error {
  readonly collectionName: string;
  readonly documentId: string;

  constructor(collectionName: string, documentId: string, reason: string, cause?: unknown) {
    super(
      `Corrupt row in RxDB collection "${collectionName}", document id "${documentId}": ${reason}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'CorruptRowError';
    this.collectionName = collectionName;
    this.documentId = documentId;
  }
}

/**
 * A plain Error (not a subclass): RxDB's suite asserts the exact type for operations on a closed
 * instance. The code property lets callers tell it apart.
 */
export function storageClosedError(collectionName: string, operation: string): Error {
  return Object.assign(
    new Error(`Cannot ${operation}: the storage instance of collection "${collectionName}" is closed`),
    { code: 'TRUSS_STORAGE_CLOSED' },
  );
}
