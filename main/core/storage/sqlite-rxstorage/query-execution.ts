import type { SQLInputValue, StatementSync } from 'node:sqlite';
import {
  getIndexableStringMonad,
  getQueryMatcher,
  getSortComparator,
  getStartIndexStringFromLowerBound,
  getStartIndexStringFromUpperBound,
} from 'rxdb';
import type { PreparedQuery, QueryMatcher, RxDocumentData, RxJsonSchema } from 'rxdb';
import { toIndexKey } from './index-key.ts';
import { parseStoredDocument } from './row-codec.ts';
import { indexName, type CollectionTable } from './table-mapping.ts';

type StoredRow = { id: string; data: string };

type RangeScan = {
  /** SQL after FROM: WHERE on the index column's key range, ordered along the index. */
  readonly whereAndOrder: string;
  readonly params: SQLInputValue[];
  readonly column: string | undefined;
};

export type QueryContext = {
  readonly prepare: (sql: string) => StatementSync;
  readonly mapping: CollectionTable;
  readonly schema: RxJsonSchema<RxDocumentData<unknown>>;
};

/** Turns the planner's start/end keys into a range on our BLOB column for the chosen index. */
function rangeScanOf(ctx: QueryContext, query: PreparedQuery<unknown>): RangeScan {
  const plan = query.queryPlan;
  const index = plan.index as string[];
  const column = ctx.mapping.columnByIndex.get(indexName(index))?.column;
  const lower = toIndexKey(getStartIndexStringFromLowerBound(ctx.schema, index, plan.startKeys));
  const upper = toIndexKey(getStartIndexStringFromUpperBound(ctx.schema, index, plan.endKeys));
  if (!column) return { whereAndOrder: '', params: [], column: undefined };
  return {
    whereAndOrder:
      `WHERE ${column} ${plan.inclusiveStart ? '>=' : '>'} ? AND ${column} ${plan.inclusiveEnd ? '<=' : '<'} ?` +
      ` ORDER BY ${column}`,
    params: [lower, upper],
    column,
  };
}

/**
 * Rows of the planned range in index order. If the planner names an index we have no column for
 * (a hand-made plan), fall back to a full scan sorted in JS by the same indexable string, which is
 * slow but still correct.
 */
function* rowsInRange(
  ctx: QueryContext,
  query: PreparedQuery<unknown>,
  extraSql = '',
  extraParams: SQLInputValue[] = [],
): Generator<RxDocumentData<unknown>> {
  const scan = rangeScanOf(ctx, query);
  if (scan.column) {
    const statement = ctx.prepare(
      `SELECT id, data FROM ${ctx.mapping.table} ${scan.whereAndOrder} ${extraSql}`,
    );
    for (const row of statement.iterate(...scan.params, ...extraParams) as Iterable<StoredRow>) {
      yield parseStoredDocument(ctx.mapping, row.id, row.data);
    }
    return;
  }
  yield* fullScanInIndexOrder(ctx, query);
}

function* fullScanInIndexOrder(
  ctx: QueryContext,
  query: PreparedQuery<unknown>,
): Generator<RxDocumentData<unknown>> {
  const plan = query.queryPlan;
  const index = plan.index as string[];
  const keyOf = getIndexableStringMonad(ctx.schema, index);
  const lower = getStartIndexStringFromLowerBound(ctx.schema, index, plan.startKeys);
  const upper = getStartIndexStringFromUpperBound(ctx.schema, index, plan.endKeys);
  const rows = ctx.prepare(`SELECT id, data FROM ${ctx.mapping.table}`).all() as StoredRow[];
  const keyed = rows
    .map((row) => {
      const doc = parseStoredDocument(ctx.mapping, row.id, row.data);
      return { doc, key: keyOf(doc) };
    })
    .filter(
      ({ key }) =>
        (plan.inclusiveStart ? key >= lower : key > lower) &&
        (plan.inclusiveEnd ? key <= upper : key < upper),
    )
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { doc } of keyed) yield doc;
}

export function runQuery(ctx: QueryContext, query: PreparedQuery<unknown>): RxDocumentData<unknown>[] {
  const plan = query.queryPlan;
  const mango = query.query;
  const skip = mango.skip ?? 0;
  // typeof, not truthiness: an explicit `limit: 0` must return nothing.
  const limit = typeof mango.limit === 'number' ? mango.limit : Infinity;
  const mustResort = !plan.sortSatisfiedByIndex;
  const matcher: QueryMatcher<RxDocumentData<unknown>> | false = plan.selectorSatisfiedByIndex
    ? false
    : getQueryMatcher(ctx.schema, mango as never);

  // Fast path: the index range is exactly the answer, so SQLite can apply skip/limit itself.
  if (!matcher && !mustResort && ctx.mapping.columnByIndex.has(indexName(plan.index as string[]))) {
    return [...rowsInRange(ctx, query, 'LIMIT ? OFFSET ?', [Number.isFinite(limit) ? limit : -1, skip])];
  }

  const wanted = skip + limit;
  let rows: RxDocumentData<unknown>[] = [];
  for (const doc of rowsInRange(ctx, query)) {
    if (!matcher || matcher(doc)) rows.push(doc);
    if (!mustResort && rows.length >= wanted) break;
  }
  if (mustResort) rows = rows.sort(getSortComparator(ctx.schema, mango as never));
  return rows.slice(skip, wanted);
}

export function runCount(ctx: QueryContext, query: PreparedQuery<unknown>): number {
  const plan = query.queryPlan;
  if (plan.selectorSatisfiedByIndex) {
    const scan = rangeScanOf(ctx, query);
    if (scan.column) {
      const where = scan.whereAndOrder.replace(/ ORDER BY .*$/, '');
      const row = ctx
        .prepare(`SELECT COUNT(*) AS n FROM ${ctx.mapping.table} ${where}`)
        .get(...scan.params) as {
        n: number;
      };
      return row.n;
    }
  }
  const matcher = getQueryMatcher(ctx.schema, query.query as never);
  let count = 0;
  for (const doc of rowsInRange(ctx, query)) if (matcher(doc)) count++;
  return count;
}

/**
 * SQLite's plan for the range scan a query would run: lets tests (and diagnostics) verify that the
 * planner's index is really served by a SQLite index rather than a table scan.
 */
export function explainRangeScan(ctx: QueryContext, query: PreparedQuery<unknown>): string[] {
  const scan = rangeScanOf(ctx, query);
  if (!scan.column) return ['no index column: full scan in JS'];
  const rows = ctx
    .prepare(`EXPLAIN QUERY PLAN SELECT id, data FROM ${ctx.mapping.table} ${scan.whereAndOrder}`)
    .all(...scan.params) as { detail: string }[];
  return rows.map((row) => row.detail);
}
