import { describe, expect, it } from 'vitest';
import { CorruptRowError } from '../../../main/core/storage/sqlite-rxstorage/errors.ts';
import { parseStoredDocument } from '../../../main/core/storage/sqlite-rxstorage/row-codec.ts';

const owner = { collectionName: 'devices', primaryPath: 'id' };
const valid = { id: 'd1', name: 'x', _rev: '1-a', _meta: { lwt: 1 }, _deleted: false, _attachments: {} };

describe('parseStoredDocument', () => {
  it('returns the stored document', () => {
    expect(parseStoredDocument(owner, 'd1', JSON.stringify(valid))).toEqual(valid);
  });

  it.each([
    ['truncated JSON', '{"id":"d1",', /not valid JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['JSON null', 'null', /not a JSON object/],
    ['another id', JSON.stringify({ ...valid, id: 'other' }), /does not match the row id/],
    ['no revision', JSON.stringify({ ...valid, _rev: undefined }), /lacks _rev or _meta/],
  ])('rejects %s with a CorruptRowError naming collection and id', (_label, text, reason) => {
    let caught: unknown;
    try {
      parseStoredDocument(owner, 'd1', text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CorruptRowError);
    expect((caught as Error).message).toMatch(/collection "devices", document id "d1"/);
    expect((caught as Error).message).toMatch(reason);
  });

  it('rejects a non-text data column (e.g. a BLOB written by another tool)', () => {
    expect(() => parseStoredDocument(owner, 'd1', new Uint8Array([123]))).toThrow(
      /holds object, expected JSON text/,
    );
  });
});
