import { BUCKET_MS, RESOLUTION_CODE, ROLLUP_RESOLUTIONS } from './buckets.ts';

/** One bucket's share of a batch; merged into the stored row by an upsert. */
export interface BucketAggregate {
  res: number;
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastTs: number;
  /** counters only: energy consumed in this bucket */
  delta: number | null;
}

/** The newest committed reading of a counter, so a batch's first delta spans the gap. */
export interface CounterReading {
  ts: number;
  value: number;
}

/**
 * Increment between two readings of a cumulative counter. A decrease is a meter reset
 * (replaced meter, firmware restart): it restarted from zero, so the new reading is
 * what was consumed since, never negative energy.
 */
export function counterIncrement(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

/**
 * Aggregates one series' samples of one batch into minute / hour / day buckets.
 * `ts` must be sorted ascending, which makes each resolution's buckets contiguous.
 */
export function aggregateSorted(
  ts: ArrayLike<number>,
  values: ArrayLike<number>,
  counter: CounterReading | null | undefined,
): { buckets: BucketAggregate[]; counter: CounterReading | null } {
  const isCounter = counter !== undefined;
  let reading = counter ?? null;
  const buckets: BucketAggregate[] = [];
  const open: (BucketAggregate | null)[] = ROLLUP_RESOLUTIONS.map(() => null);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    const v = values[i]!;
    let inc = 0;
    if (isCounter) {
      // A reading older than the newest committed one cannot be placed in the sequence
      // without rewriting history: it is kept raw but adds no energy.
      if (reading === null) reading = { ts: t, value: v };
      else if (t > reading.ts) {
        inc = counterIncrement(reading.value, v);
        reading = { ts: t, value: v };
      }
    }
    for (let r = 0; r < ROLLUP_RESOLUTIONS.length; r++) {
      const res = ROLLUP_RESOLUTIONS[r]!;
      const size = BUCKET_MS[res];
      const bucket = Math.floor(t / size) * size;
      let agg = open[r]!;
      if (agg === null || agg.bucket !== bucket) {
        agg = {
          res: RESOLUTION_CODE[res],
          bucket,
          min: v,
          max: v,
          sum: 0,
          count: 0,
          last: v,
          lastTs: t,
          delta: isCounter ? 0 : null,
        };
        open[r] = agg;
        buckets.push(agg);
      }
      if (v < agg.min) agg.min = v;
      if (v > agg.max) agg.max = v;
      agg.sum += v;
      agg.count++;
      // >= so that, of two samples with one timestamp, the later-appended wins as it does in the upsert.
      if (t >= agg.lastTs) {
        agg.last = v;
        agg.lastTs = t;
      }
      if (agg.delta !== null) agg.delta += inc;
    }
  }
  return { buckets, counter: reading };
}
