import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRxDatabase, prepareQuery, normalizeMangoQuery } from 'rxdb';
import type { RxDocumentData, RxStorageInstance } from 'rxdb';
import {
  CorruptRowError,
  getRxStorageNodeSqlite,
  openConnectionCount,
  type NodeSqliteStorageInstance,
} from '../../../main/core/storage/sqlite-rxstorage/index.ts';
import {
  createDeviceInstance,
  deviceRow,
  deviceSchema,
  deviceSchemaLiteral,
  makeTempDir,
  type Device,
  type TempDir,
} from './fixtures.ts';

let temp: TempDir;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => {
  temp.remove();
});

describe('node:sqlite RxStorage: durability and integrity', () => {
  it('keeps documents across close and reopen of the RxDatabase, including non-ASCII ids', async () => {
    const databaseFile = temp.file('site.sqlite');
    const open = async () => {
      const db = await createRxDatabase({ name: 'site', storage: getRxStorageNodeSqlite({ databaseFile }) });
      await db.addCollections({ devices: { schema: deviceSchemaLiteral } });
      return db;
    };
    const first = await open();
    await first['devices']!.bulkInsert([
      { id: 'thermostat-é', name: 'Kitchen 🔥', floor: 1, online: true },
      { id: 'meter-1', name: 'Main meter', floor: 0, online: false },
    ]);
    const meter = await first['devices']!.findOne('meter-1').exec();
    await meter!.incrementalPatch({ online: true });
    await first.close();
    expect(openConnectionCount(databaseFile)).toBe(0);

    const second = await open();
    const docs = await second['devices']!.find({ sort: [{ id: 'asc' }] }).exec();
    expect(docs.map((d) => d.toJSON())).toEqual([
      { id: 'meter-1', name: 'Main meter', floor: 0, online: true },
      { id: 'thermostat-é', name: 'Kitchen 🔥', floor: 1, online: true },
    ]);
    await second.close();

    // The file carries our format version and the durability pragmas apply to it.
    const raw = new DatabaseSync(databaseFile);
    expect(raw.prepare('PRAGMA user_version').get()).toEqual({ user_version: 1 });
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
  });

  it('rolls a bulkWrite back completely when one row fails in the middle', async () => {
    const storage = getRxStorageNodeSqlite({ databaseFile: temp.file('tx.sqlite') });
    const instance = await createDeviceInstance(storage);
    const poisoned = { ...deviceRow({ id: 'c', name: 'poison', floor: 3, online: true }), extra: 10n };
    await expect(
      instance.bulkWrite(
        [
          { document: deviceRow({ id: 'a', name: 'first', floor: 1, online: true }) },
          { document: deviceRow({ id: 'b', name: 'second', floor: 2, online: true }) },
          { document: poisoned as unknown as RxDocumentData<Device> },
        ],
        'test',
      ),
    ).rejects.toThrow(/BigInt/);
    expect(await instance.findDocumentsById(['a', 'b', 'c'], true)).toEqual([]);

    // The connection is usable afterwards (no transaction left open).
    const ok = await instance.bulkWrite(
      [{ document: deviceRow({ id: 'a', name: 'first', floor: 1, online: true }) }],
      'test',
    );
    expect(ok.error).toEqual([]);
    expect((await instance.findDocumentsById(['a'], false)).map((d) => d.name)).toEqual(['first']);
    await instance.close();
  });

  it('serves the planner index from a SQLite index (EXPLAIN QUERY PLAN)', async () => {
    const storage = getRxStorageNodeSqlite({ databaseFile: temp.file('plan.sqlite') });
    const instance = (await createDeviceInstance(storage)) as NodeSqliteStorageInstance<Device>;
    const schema = deviceSchema();
    const byFloor = prepareQuery(
      schema,
      normalizeMangoQuery(schema, {
        selector: { _deleted: false, online: true, floor: { $gt: 2 } } as never,
        sort: [{ floor: 'asc' }],
      }),
    );
    expect(byFloor.queryPlan.index).toEqual(['_deleted', 'online', 'floor', 'id']);
    const plan = instance.explainQuery(byFloor).join('\n');
    expect(plan).toMatch(/USING (COVERING )?INDEX \S+__ix_[0-9a-f]{12}/);
    expect(plan).not.toMatch(/SCAN \S+$/m);
    expect(plan).not.toMatch(/USE TEMP B-TREE/);
    await instance.close();
  });

  it('answers correctly even for a query plan naming an index it has no column for', async () => {
    const storage = getRxStorageNodeSqlite({ databaseFile: temp.file('fallback.sqlite') });
    const instance = (await createDeviceInstance(storage)) as NodeSqliteStorageInstance<Device>;
    await instance.bulkWrite(
      ['delta', 'alpha', 'Échelle', 'charlie', '😀 smile', '\uFFFD replacement'].map((name, i) => ({
        document: deviceRow({ id: 'd' + i, name, floor: i, online: i % 2 === 0 }),
      })),
      'test',
    );
    const schema = deviceSchema();
    const planned = prepareQuery(
      schema,
      normalizeMangoQuery(schema, { selector: { floor: { $gte: 1 } } as never, sort: [{ name: 'desc' }] }),
    );
    // A hand-made plan (as a storage wrapper might produce) on an index without a column.
    const handMade = {
      ...planned,
      queryPlan: { ...planned.queryPlan, index: ['name', 'id'], startKeys: [], endKeys: [] },
    };
    handMade.queryPlan.startKeys = ['', ''] as never;
    handMade.queryPlan.endKeys = ['\uffff', '\uffff'] as never;
    handMade.queryPlan.inclusiveStart = true;
    handMade.queryPlan.inclusiveEnd = true;
    handMade.queryPlan.sortSatisfiedByIndex = false;
    handMade.queryPlan.selectorSatisfiedByIndex = false;
    expect(instance.explainQuery(handMade)).toEqual(['no index column: full scan in JS']);
    const expected = (await instance.query(planned)).documents.map((d) => d.name);
    expect(expected).toEqual(['\uFFFD replacement', '😀 smile', 'Échelle', 'charlie', 'alpha']);
    expect((await instance.query(handMade)).documents.map((d) => d.name)).toEqual(expected);
    expect((await instance.count(handMade)).count).toBe(5);
    await instance.close();
  });

  it('reports a corrupt row with collection and id, and keeps the rest readable', async () => {
    const databaseFile = temp.file('corrupt.sqlite');
    const storage = getRxStorageNodeSqlite({ databaseFile });
    const instance = await createDeviceInstance(storage);
    await instance.bulkWrite(
      [
        { document: deviceRow({ id: 'good', name: 'ok', floor: 1, online: true }) },
        { document: deviceRow({ id: 'bad', name: 'to be broken', floor: 2, online: true }) },
      ],
      'test',
    );
    const tableName = (instance as NodeSqliteStorageInstance<Device>).internals.tableName;
    // A second connection to the same file simulates external damage (bad restore, disk fault, hand edit).
    const raw = new DatabaseSync(databaseFile);
    raw.prepare(`UPDATE "${tableName}" SET data = '{"id":"bad", truncated' WHERE id = 'bad'`).run();
    raw.close();

    const schema = deviceSchema();
    const all = prepareQuery(schema, normalizeMangoQuery(schema, { selector: {}, sort: [{ id: 'asc' }] }));
    const failure = await instance.query(all).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CorruptRowError);
    expect((failure as CorruptRowError).message).toMatch(/collection "devices", document id "bad"/);
    expect(failure).toMatchObject({ collectionName: 'devices', documentId: 'bad' });
    await expect(instance.findDocumentsById(['bad'], true)).rejects.toThrow(CorruptRowError);

    // Nothing else is lost: other ids still read. A write to the broken id is refused too (its
    // revision cannot be checked), so the row must be repaired or deleted by hand.
    await expect(
      instance.bulkWrite(
        [{ document: deviceRow({ id: 'bad', name: 'again', floor: 2, online: true }) }],
        'test',
      ),
    ).rejects.toThrow(CorruptRowError);
    expect((await instance.findDocumentsById(['good'], false)).map((d) => d.name)).toEqual(['ok']);
    await instance.close();
  });

  it('shares one connection per file and closes it with the last instance', async () => {
    const databaseFile = temp.file('pool.sqlite');
    const storage = getRxStorageNodeSqlite({ databaseFile });
    const a = await createDeviceInstance(storage, 'db', 'one');
    const b = await createDeviceInstance(storage, 'db', 'two');
    expect(openConnectionCount(databaseFile)).toBe(2);
    await a.close();
    await a.close();
    expect(openConnectionCount(databaseFile)).toBe(1);
    await b.remove();
    expect(openConnectionCount(databaseFile)).toBe(0);
    await expect(b.query(undefined as never)).rejects.toThrow(/closed/);
  });

  it('purges only tombstones older than the limit on cleanup()', async () => {
    const storage = getRxStorageNodeSqlite({ databaseFile: temp.file('cleanup.sqlite') });
    const instance: RxStorageInstance<Device, unknown, unknown> = await createDeviceInstance(storage);
    const live = deviceRow({ id: 'live', name: 'x', floor: 1, online: true });
    const doomed = deviceRow({ id: 'doomed', name: 'y', floor: 1, online: true });
    await instance.bulkWrite([{ document: live }, { document: doomed }], 'test');
    const tombstone = { ...doomed, _deleted: true, _rev: '2-b', _meta: { lwt: doomed._meta.lwt + 1 } };
    expect((await instance.bulkWrite([{ previous: doomed, document: tombstone }], 'test')).error).toEqual([]);

    await instance.cleanup(60_000);
    expect((await instance.findDocumentsById(['doomed'], true)).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await instance.cleanup(0);
    expect(await instance.findDocumentsById(['doomed'], true)).toEqual([]);
    expect((await instance.findDocumentsById(['live'], true)).length).toBe(1);
    await instance.close();
  });
});
