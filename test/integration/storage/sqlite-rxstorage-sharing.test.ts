import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addRxPlugin, createBlob, createRxDatabase, randomToken } from 'rxdb';
import type { RxDatabase } from 'rxdb';
import { RxDBAttachmentsPlugin } from 'rxdb/plugins/attachments';
import { RxDBDevModePlugin, disableWarnings } from 'rxdb/plugins/dev-mode';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { firstValueFrom, filter } from 'rxjs';
import { getRxStorageNodeSqlite } from '../../../main/core/storage/sqlite-rxstorage/index.ts';
import {
  createDeviceInstance,
  deviceRow,
  deviceSchemaLiteral,
  makeTempDir,
  type TempDir,
} from './fixtures.ts';

// RxDB refuses two RxDatabases of the same name in one process unless dev-mode allows
// ignoreDuplicate; dev-mode in turn wants a validating storage wrapper. Production shares a file
// between processes or through storage-remote, where neither is needed.
disableWarnings();
addRxPlugin(RxDBDevModePlugin);
addRxPlugin(RxDBAttachmentsPlugin);

let temp: TempDir;
const opened: RxDatabase[] = [];
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  temp.remove();
});

async function openSite(databaseFile: string, collections: Record<string, unknown>): Promise<RxDatabase> {
  const db = await createRxDatabase({
    name: 'site',
    storage: wrappedValidateAjvStorage({ storage: getRxStorageNodeSqlite({ databaseFile }) }),
    multiInstance: true,
    ignoreDuplicate: true,
  });
  await db.addCollections(collections as never);
  opened.push(db);
  return db;
}

describe('node:sqlite RxStorage: instances sharing a file', () => {
  it("a live query on one RxDatabase sees the other's writes on the same file", async () => {
    const databaseFile = temp.file('shared.sqlite');
    const core = await openSite(databaseFile, { devices: { schema: deviceSchemaLiteral } });
    const ui = await openSite(databaseFile, { devices: { schema: deviceSchemaLiteral } });

    const live = ui['devices']!.find({ selector: { online: true }, sort: [{ name: 'asc' }] }).$;
    const seen = firstValueFrom(live.pipe(filter((docs) => docs.length === 2)));
    await core['devices']!.bulkInsert([
      { id: 'a', name: 'Hall', floor: 0, online: true },
      { id: 'b', name: 'Attic', floor: 3, online: true },
      { id: 'c', name: 'Cellar', floor: -1, online: false },
    ]);
    expect((await seen).map((d) => d.id)).toEqual(['b', 'a']);

    // And the other way round, for an update.
    const renamed = firstValueFrom(
      core['devices']!.findOne('a').$.pipe(filter((doc) => doc?.name === 'Hallway')),
    );
    const fromUi = await ui['devices']!.findOne('a').exec();
    await fromUi!.incrementalPatch({ name: 'Hallway' });
    expect((await renamed)?.floor).toBe(0);
  });

  it('forwards change events between raw storage instances, but not across collections', async () => {
    const storage = getRxStorageNodeSqlite({ databaseFile: temp.file('events.sqlite') });
    const a = await createDeviceInstance(storage, 'db', 'devices');
    const b = await createDeviceInstance(storage, 'db', 'devices');
    const other = await createDeviceInstance(storage, 'db', 'zones');
    const onB: string[] = [];
    const onOther: string[] = [];
    b.changeStream().subscribe((bulk) =>
      bulk.events.forEach((e) => onB.push(`${e.operation}:${e.documentId}`)),
    );
    other.changeStream().subscribe((bulk) => bulk.events.forEach((e) => onOther.push(e.documentId)));

    await a.bulkWrite([{ document: deviceRow({ id: 'x', name: 'n', floor: 1, online: true }) }], 'test');
    expect(onB).toEqual(['INSERT:x']);
    expect(onOther).toEqual([]);
    await Promise.all([a.close(), b.close(), other.close()]);
  });

  it('stores attachments in the file and returns the same bytes and type after reopening', async () => {
    const databaseFile = temp.file('attachments.sqlite');
    const schema = { ...deviceSchemaLiteral, attachments: {} };
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    const first = await openSite(databaseFile, { devices: { schema } });
    const doc = await first['devices']!.insert({ id: 'cam', name: 'Camera', floor: 1, online: true });
    await doc.putAttachment({
      id: 'snapshot.bin',
      data: createBlob(bytes as never, 'application/octet-stream'),
      type: 'application/octet-stream',
    });
    const textDoc = await first['devices']!.findOne('cam').exec();
    await textDoc!.putAttachment({
      id: 'notes.txt',
      data: createBlob('Grüße 😀', 'text/plain'),
      type: 'text/plain',
    });
    await first.close();
    opened.splice(opened.indexOf(first), 1);

    const second = await openSite(databaseFile, { devices: { schema } });
    const again = await second['devices']!.findOne('cam').exec();
    const snapshot = again!.getAttachment('snapshot.bin')!;
    expect(snapshot.length).toBe(70_000);
    const data = await snapshot.getData();
    expect(data.type).toBe('application/octet-stream');
    expect(new Uint8Array(await data.arrayBuffer())).toEqual(bytes);
    expect(await again!.getAttachment('notes.txt')!.getStringData()).toBe('Grüße 😀');

    await again!.getAttachment('snapshot.bin')!.remove();
    const after = await second['devices']!.findOne('cam').exec();
    expect(after!.allAttachments().map((attachment: { id: string }) => attachment.id)).toEqual(['notes.txt']);
  });

  it('keeps databases with different names in one file apart', async () => {
    const databaseFile = temp.file('names.sqlite');
    const storage = getRxStorageNodeSqlite({ databaseFile });
    const one = await createDeviceInstance(storage, 'one-' + randomToken(4), 'devices');
    const two = await createDeviceInstance(storage, 'two-' + randomToken(4), 'devices');
    await one.bulkWrite([{ document: deviceRow({ id: 'x', name: 'n', floor: 1, online: true }) }], 'test');
    expect(await two.findDocumentsById(['x'], true)).toEqual([]);
    await Promise.all([one.close(), two.close()]);
  });
});
