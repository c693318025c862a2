import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fillWithDefaultSettings,
  getChangedDocumentsSince,
  normalizeMangoQuery,
  now,
  prepareQuery,
  randomToken,
} from 'rxdb';
import type { MangoQuery, RxDocumentData, RxJsonSchema, RxStorage, RxStorageInstance } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { getRxStorageNodeSqlite } from '../../../main/core/storage/sqlite-rxstorage/index.ts';
import { makeTempDir, type TempDir } from './fixtures.ts';

type Point = {
  id: string;
  name: string;
  age: number;
  score: number;
  active: boolean;
  tag: string;
  nick?: string;
};

const schema: RxJsonSchema<RxDocumentData<Point>> = fillWithDefaultSettings({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    name: { type: 'string', maxLength: 20 },
    age: { type: 'integer', minimum: 0, maximum: 120, multipleOf: 1 },
    score: { type: 'number', minimum: -1000, maximum: 1000, multipleOf: 0.01 },
    active: { type: 'boolean' },
    tag: { type: 'string', enum: ['a', 'b', 'c', 'd'], maxLength: 1 },
    nick: { type: 'string' },
  },
  required: ['id', 'name', 'age', 'score', 'active', 'tag'],
  indexes: ['name', ['age', 'score'], ['active', 'age'], ['tag', 'name']],
});

// Mixes ASCII, Latin-1, CJK, private-use/high BMP and astral characters: the last two are where
// UTF-8 byte order and RxDB's UTF-16 order disagree.
const LETTERS = ['a', 'b', 'Z', 'é', 'ß', '中', '\uE000', '\uFFFD', '😀', '𝄞', ' ', '0'];

function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(20261123);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (max: number): number => Math.floor(random() * (max + 1));
const word = (): string => Array.from({ length: 1 + int(4) }, () => pick(LETTERS)).join('');
const score = (): number => Math.round((random() * 2000 - 1000) * 100) / 100;

function randomPoint(i: number): Point {
  const point: Point = {
    id: `p${String(i).padStart(4, '0')}-${word()}`,
    name: word(),
    age: int(120),
    score: score(),
    active: random() < 0.5,
    tag: pick(['a', 'b', 'c', 'd']),
  };
  if (random() < 0.5) point.nick = word();
  return point;
}

function randomCondition(sample: Point): Record<string, unknown> {
  switch (int(9)) {
    case 0:
      return {
        name: pick([{ $eq: sample.name }, { $gt: word() }, { $lte: word() }, { $in: [word(), sample.name] }]),
      };
    case 1:
      return {
        age: pick([
          { $eq: sample.age },
          { $gt: int(120) },
          { $gte: int(120), $lt: int(120) },
          { $ne: sample.age },
        ]),
      };
    case 2:
      return { age: { $in: [int(120), int(120), sample.age] } };
    case 3:
      return { score: pick([{ $gt: score() }, { $lte: score() }, { $gte: -5, $lte: score() }]) };
    case 4:
      return { active: random() < 0.5 };
    case 5:
      return { tag: pick([{ $eq: pick(['a', 'b', 'c', 'd']) }, { $in: ['a', 'c'] }, { $nin: ['b'] }]) };
    case 6:
      return { nick: pick([{ $exists: true }, { $exists: false }, { $eq: sample.nick ?? 'zz' }]) };
    case 7:
      return { $or: [{ age: { $lt: int(60) } }, { tag: pick(['a', 'b']) }] };
    case 8:
      return { id: pick([{ $gt: sample.id }, { $lt: sample.id }]) };
    default:
      return { _deleted: false };
  }
}

function randomQuery(sample: Point): MangoQuery<Point> {
  const selector: Record<string, unknown> = {};
  for (let i = int(3); i > 0; i--) Object.assign(selector, randomCondition(sample));
  if (random() < 0.7) selector['_deleted'] = false;
  const sortFields = ['name', 'age', 'score', 'tag', 'active', 'id'];
  const sort = Array.from({ length: 1 + int(1) }, () => ({
    [pick(sortFields)]: pick(['asc', 'desc'] as const),
  }));
  const query: MangoQuery<Point> = { selector: selector as never, sort: sort as never };
  if (random() < 0.35) query.skip = int(20);
  if (random() < 0.5) query.limit = 1 + int(50);
  return query;
}

let temp: TempDir;
let sqlite: RxStorageInstance<Point, unknown, unknown>;
let memory: RxStorageInstance<Point, unknown, unknown>;

async function createOn(storage: RxStorage<unknown, unknown>) {
  return storage.createStorageInstance<Point>({
    databaseInstanceToken: randomToken(10),
    databaseName: 'diff-' + randomToken(6),
    collectionName: 'points',
    schema,
    options: {},
    multiInstance: false,
    devMode: false,
  });
}

async function writeBoth(rows: Parameters<typeof sqlite.bulkWrite>[0]) {
  const [a, b] = await Promise.all([sqlite.bulkWrite(rows, 'diff'), memory.bulkWrite(rows, 'diff')]);
  expect(a.error).toEqual([]);
  expect(b.error).toEqual([]);
}

const docs: RxDocumentData<Point>[] = [];

beforeAll(async () => {
  temp = makeTempDir();
  sqlite = await createOn(getRxStorageNodeSqlite({ databaseFile: temp.file('diff.sqlite') }));
  memory = await createOn(getRxStorageMemory());
  for (let i = 0; i < 800; i++) {
    docs.push({ ...randomPoint(i), _deleted: false, _attachments: {}, _rev: '1-a', _meta: { lwt: now() } });
  }
  await writeBoth(docs.map((document) => ({ document })));
  // Updates (some moving between index ranges) and deletes, so tombstones take part in queries.
  for (let i = 0; i < 200; i++) {
    const index = int(docs.length - 1);
    const previous = docs[index]!;
    const next = { ...previous, ...(random() < 0.5 ? { age: int(120), name: word() } : { score: score() }) };
    next._rev = `${Number(previous._rev.split('-')[0]) + 1}-b`;
    next._meta = { lwt: now() };
    if (random() < 0.3) next._deleted = true;
    await writeBoth([{ previous, document: next }]);
    docs[index] = next;
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([sqlite.close(), memory.close()]);
  temp.remove();
});

describe('node:sqlite RxStorage vs RxDB memory storage', () => {
  it('returns identical results for 400 random queries and counts', async () => {
    let nonEmpty = 0;
    let viaIndexOnly = 0;
    for (let i = 0; i < 400; i++) {
      const mango = randomQuery(pick(docs));
      const prepared = prepareQuery(schema, normalizeMangoQuery(schema, mango));
      if (prepared.queryPlan.selectorSatisfiedByIndex) viaIndexOnly++;
      const [fromSqlite, fromMemory] = await Promise.all([sqlite.query(prepared), memory.query(prepared)]);
      const ids = fromSqlite.documents.map((d) => d.id);
      expect(ids, JSON.stringify(mango)).toEqual(fromMemory.documents.map((d) => d.id));
      expect(fromSqlite.documents, JSON.stringify(mango)).toEqual(fromMemory.documents);
      if (ids.length > 0) nonEmpty++;
      if (mango.skip === undefined && mango.limit === undefined) {
        const [a, b] = await Promise.all([sqlite.count(prepared), memory.count(prepared)]);
        expect(a.count, JSON.stringify(mango)).toBe(b.count);
      }
    }
    // Guard against a generator that only produces trivial queries.
    expect(nonEmpty).toBeGreaterThan(150);
    expect(viaIndexOnly).toBeGreaterThan(20);
  });

  it('returns the same changes feed in the same order, page by page', async () => {
    const feed = async (instance: RxStorageInstance<Point, unknown, unknown>) => {
      const ids: string[] = [];
      let checkpoint: unknown;
      for (;;) {
        const page = await getChangedDocumentsSince(instance, 37, checkpoint as never);
        if (page.documents.length === 0) return ids;
        ids.push(...page.documents.map((d) => d.id));
        checkpoint = page.checkpoint;
      }
    };
    const fromSqlite = await feed(sqlite);
    expect(fromSqlite).toHaveLength(800);
    expect(fromSqlite).toEqual(await feed(memory));
  });

  it('finds by id with and without tombstones like the memory storage', async () => {
    const ids = docs.filter((_, i) => i % 7 === 0).map((d) => d.id);
    for (const withDeleted of [true, false]) {
      const [a, b] = await Promise.all([
        sqlite.findDocumentsById(ids, withDeleted),
        memory.findDocumentsById(ids, withDeleted),
      ]);
      expect(a).toEqual(b);
    }
  });
});
