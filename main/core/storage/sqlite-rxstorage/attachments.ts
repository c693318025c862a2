import type { StatementSync } from 'node:sqlite';
import type { BulkWriteRow, CategorizeBulkWriteRowsOutput } from 'rxdb';

/** Attachment bodies read out of their Blobs before the (synchronous) SQLite transaction starts. */
export type AttachmentBodies = Map<Blob, Uint8Array>;

/**
 * Blob contents can only be read asynchronously; the write transaction must stay synchronous so
 * that no other write interleaves between conflict detection and commit. So bodies are read first.
 */
export async function readAttachmentBodies(
  rows: readonly BulkWriteRow<unknown>[],
): Promise<AttachmentBodies> {
  const bodies: AttachmentBodies = new Map();
  for (const row of rows) {
    const attachments = (row.document as { _attachments?: Record<string, { data?: unknown }> })._attachments;
    if (!attachments) continue;
    for (const attachment of Object.values(attachments)) {
      const data = attachment.data;
      if (data instanceof Blob && !bodies.has(data)) {
        bodies.set(data, new Uint8Array(await data.arrayBuffer()));
      }
    }
  }
  return bodies;
}

export type AttachmentStatements = {
  readonly upsert: StatementSync;
  readonly remove: StatementSync;
};

/**
 * RxDB 17 hands attachment data over as Blob. Older callers (RxDB <= 16 and its test suite) pass a
 * base64 string; that is stored as TEXT and handed back unchanged, as the memory storage does.
 */
function storableBody(data: unknown, bodies: AttachmentBodies): Uint8Array | string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof Blob) return bodies.get(data);
  return undefined;
}

export function writeAttachments(
  statements: AttachmentStatements,
  categorized: CategorizeBulkWriteRowsOutput<unknown>,
  bodies: AttachmentBodies,
): void {
  for (const attachment of [...categorized.attachmentsAdd, ...categorized.attachmentsUpdate]) {
    const data: unknown = attachment.attachmentData.data;
    const body = storableBody(data, bodies);
    if (body === undefined) {
      throw new Error(
        `attachment "${attachment.attachmentId}" of document "${attachment.documentId}" has no readable data`,
      );
    }
    const type = attachment.attachmentData.type || (data instanceof Blob ? data.type : '');
    statements.upsert.run(attachment.documentId, attachment.attachmentId, attachment.digest, type, body);
  }
  for (const attachment of categorized.attachmentsRemove) {
    statements.remove.run(attachment.documentId, attachment.attachmentId);
  }
}

/** Inverse of storableBody: bytes come back as a Blob with their type, legacy strings as strings. */
export function attachmentFromRow(row: { type: string; data: Uint8Array | string }): Blob {
  if (typeof row.data === 'string') return row.data as unknown as Blob;
  return new Blob([row.data as Uint8Array<ArrayBuffer>], { type: row.type });
}
