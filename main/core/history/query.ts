import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { RESOLUTION_CODE, RESOLUTIONS_FINEST_FIRST, bucketStart } from './buckets.ts';
import { decodeChunk } from './raw-chunk.ts';
import { decodeRollupBlock, mergeBucketLists, type StoredBucket } from './rollup-block.ts';
import { effectivePolicy, retainedSince } from './retention.ts';
import type { SeriesInfo } from './series-registry.ts';
import type {
  ConsumptionPoint,
  HistoryPoint,
  HistoryQuery,
  Resolution,
  RetentionPolicy,
  RollupResolution,
} from './types.ts';

export const DEFAULT_MAX_POINTS = 1000;

/** An explicit resolution over a huge window must not build an unbounded array. */
export const HARD_POINT_LIMIT = 200_000;

interface ChunkRow {
  n: number;
  packed: number;
  data: Uint8Array;
}

export class HistoryReader {
  readonly #rawChunks: StatementSync;
  readonly #rawCountInside: StatementSync;
  readonly #rawEdgeChunks: StatementSync;
  readonly #rollupCount: StatementSync;
  readonly #blocks: StatementSync;
  readonly #rollupRows: StatementSync;

  constructor(db: DatabaseSync) {
    // Minute and hour buckets of closed days are packed per day (compaction.ts); rows hold the
    // open day and late samples not yet folded in. Both are read and merged.
    this.#blocks = db.prepare(
      'SELECT day, n, data FROM ts_rollup_block WHERE series = ? AND res = ? AND day >= ? AND day <= ? ORDER BY day',
    );
    this.#rollupRows = db.prepare(
      `SELECT bucket, min, max, sum, count, last, last_ts AS lastTs, delta FROM ts_rollup
       WHERE series = ? AND res = ? AND bucket >= ? AND bucket <= ? ORDER BY bucket LIMIT ?`,
    );
    // Chunks are sorted inside but may overlap each other (late samples), hence the merge below.
    this.#rawChunks = db.prepare(
      'SELECT n, packed, data FROM ts_raw_chunk WHERE series = ? AND t_max >= ? AND t_min <= ? ORDER BY t_min',
    );
    this.#rawCountInside = db.prepare(
      'SELECT coalesce(sum(n), 0) AS n FROM ts_raw_chunk WHERE series = ? AND t_min >= ? AND t_max <= ?',
    );
    this.#rawEdgeChunks = db.prepare(
      `SELECT n, packed, data FROM ts_raw_chunk WHERE series = ?1 AND t_max >= ?2 AND t_min <= ?3
       AND (t_min < ?2 OR t_max > ?3)`,
    );
    this.#rollupCount = db.prepare(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ts_rollup
       WHERE series = ? AND res = ? AND bucket >= ? AND bucket <= ? LIMIT ?)`,
    );
  }

  query(
    info: SeriesInfo | undefined,
    q: HistoryQuery,
    defaults: RetentionPolicy,
    now: number,
  ): { resolution: Resolution; points: HistoryPoint[] } {
    const maxPoints = q.maxPoints ?? DEFAULT_MAX_POINTS;
    const requested = q.resolution ?? 'auto';
    if (!(q.from <= q.to)) return { resolution: requested === 'auto' ? 'raw' : requested, points: [] };
    const policy = effectivePolicy(defaults, info?.retention ?? {});
    const resolution = requested === 'auto' ? this.#choose(info, q, maxPoints, policy, now) : requested;
    if (!info) return { resolution, points: [] };
    const points =
      resolution === 'raw'
        ? this.#raw(info.id, q.from, q.to)
        : this.#rollup(info.id, resolution, q.from, q.to, HARD_POINT_LIMIT);
    return { resolution, points };
  }

  consumption(
    info: SeriesInfo | undefined,
    from: number,
    to: number,
    res: RollupResolution,
  ): ConsumptionPoint[] {
    if (!info || !info.counter || !(from <= to)) return [];
    return this.#buckets(info.id, res, from, to, HARD_POINT_LIMIT)
      .filter((b) => b.delta !== null)
      .map((b) => ({ ts: b.bucket, delta: b.delta! }));
  }

  /**
   * The finest resolution whose points over the window fit maxPoints and whose tier still
   * holds the window's start; failing all, the coarsest tier that still holds data.
   */
  #choose(
    info: SeriesInfo | undefined,
    q: HistoryQuery,
    maxPoints: number,
    policy: RetentionPolicy,
    now: number,
  ): Resolution {
    const days: Record<Resolution, number | null> = {
      raw: policy.rawDays,
      minute: policy.minuteDays,
      hour: policy.hourDays,
      day: policy.dayDays,
    };
    let coarsestRetained: Resolution | null = null;
    for (const res of RESOLUTIONS_FINEST_FIRST) {
      if (q.from < retainedSince(days[res], now)) continue;
      coarsestRetained = res;
      if (this.#count(info, res, q.from, q.to, maxPoints) <= maxPoints) return res;
    }
    return coarsestRetained ?? 'day';
  }

  #count(info: SeriesInfo | undefined, res: Resolution, from: number, to: number, maxPoints: number): number {
    if (!info) {
      // No data yet: judge by the window alone, so an empty chart still gets a sensible resolution.
      if (res === 'raw') return Infinity;
      const size = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[res];
      return Math.ceil((to - from) / size);
    }
    if (res === 'raw') return this.#countRaw(info.id, from, to, maxPoints);
    if (res === 'day') {
      const row = this.#rollupCount.get(
        info.id,
        RESOLUTION_CODE[res],
        bucketStart(from, res),
        to,
        maxPoints + 1,
      );
      return Number((row as { n: number }).n);
    }
    // Blocks wholly inside the window count by their stored n; only the edges are opened.
    const first = bucketStart(from, res);
    let count = Number(
      (this.#rollupCount.get(info.id, RESOLUTION_CODE[res], first, to, maxPoints + 1) as { n: number }).n,
    );
    for (const block of this.#blocks.iterate(
      info.id,
      RESOLUTION_CODE[res],
      dayOf(first),
      to,
    ) as Iterable<BlockRow>) {
      if (count > maxPoints) break;
      if (block.day >= first && block.day + DAY_MS - 1 <= to) count += block.n;
      else count += decodeRollupBlock(block.data).filter((b) => b.bucket >= first && b.bucket <= to).length;
    }
    return count;
  }

  /** Exact up to maxPoints + 1: only chunks straddling the window's ends are opened. */
  #countRaw(series: number, from: number, to: number, maxPoints: number): number {
    let count = Number((this.#rawCountInside.get(series, from, to) as { n: number }).n);
    for (const row of this.#rawEdgeChunks.iterate(series, from, to) as Iterable<ChunkRow>) {
      if (count > maxPoints) break;
      for (const t of decodeChunk(row.data, row.packed).ts) if (t >= from && t <= to) count++;
    }
    return count;
  }

  #raw(series: number, from: number, to: number): HistoryPoint[] {
    const points: HistoryPoint[] = [];
    let sorted = true;
    let lastTs = -Infinity;
    for (const row of this.#rawChunks.all(series, from, to) as unknown as ChunkRow[]) {
      const { ts, values } = decodeChunk(row.data, row.packed);
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i]!;
        if (t < from || t > to) continue;
        const v = values[i]!;
        if (t < lastTs) sorted = false;
        lastTs = t;
        points.push({ ts: t, min: v, max: v, mean: v, last: v, count: 1 });
        if (points.length >= HARD_POINT_LIMIT) break;
      }
      if (points.length >= HARD_POINT_LIMIT) break;
    }
    if (!sorted) points.sort((a, b) => a.ts - b.ts);
    return points;
  }

  #rollup(series: number, res: RollupResolution, from: number, to: number, limit: number): HistoryPoint[] {
    return this.#buckets(series, res, from, to, limit).map((r) => ({
      ts: r.bucket,
      min: r.min,
      max: r.max,
      mean: r.sum / r.count,
      last: r.last,
      count: r.count,
    }));
  }

  /** a tier's buckets over a window, from packed day blocks and rows, in order */
  #buckets(series: number, res: RollupResolution, from: number, to: number, limit: number): StoredBucket[] {
    const code = RESOLUTION_CODE[res];
    const first = bucketStart(from, res);
    const rows = this.#rollupRows.all(series, code, first, to, limit) as unknown as StoredBucket[];
    if (res === 'day') return rows;
    const packed: StoredBucket[] = [];
    for (const block of this.#blocks.iterate(series, code, dayOf(first), to) as Iterable<BlockRow>) {
      for (const b of decodeRollupBlock(block.data)) if (b.bucket >= first && b.bucket <= to) packed.push(b);
      if (packed.length >= limit) break;
    }
    const merged = packed.length === 0 ? rows : mergeBucketLists([packed, rows]);
    return merged.length > limit ? merged.slice(0, limit) : merged;
  }
}

const DAY_MS = 86_400_000;
const dayOf = (ts: number) => Math.floor(ts / DAY_MS) * DAY_MS;

interface BlockRow {
  day: number;
  n: number;
  data: Uint8Array;
}
