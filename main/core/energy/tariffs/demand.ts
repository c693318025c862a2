import type { EnergyInterval } from './intervals.ts';

export const QUARTER_HOUR_MS = 900_000;

/** Average import power over one quarter hour. */
export interface DemandInterval {
  start: number;
  kw: number;
  /** share of the quarter hour covered by metered intervals (1 = fully metered) */
  coverage: number;
}

/**
 * Import demand on 15-minute demand intervals: the kWh imported in each quarter hour times 4 = its
 * average kW (the usual utility definition). Quarter hours are aligned to the epoch, which is
 * aligned to every real UTC offset (all are multiples of 15 minutes), so they are the local ones.
 * Energy of an interval longer than a quarter hour is spread evenly over it (`coarse` says so).
 */
export function quarterHourDemand(
  intervals: readonly EnergyInterval[],
  from: number,
  to: number,
): { quarters: DemandInterval[]; coarse: boolean } {
  const first = Math.floor(from / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  const n = Math.max(0, Math.ceil((to - first) / QUARTER_HOUR_MS));
  const kwh = new Float64Array(n);
  const covered = new Float64Array(n);
  let coarse = false;
  for (const iv of intervals) {
    if (iv.end <= from || iv.start >= to) continue;
    const len = iv.end - iv.start;
    if (len > QUARTER_HOUR_MS) coarse = true;
    const a = Math.max(iv.start, from);
    const b = Math.min(iv.end, to);
    for (let q = Math.floor((a - first) / QUARTER_HOUR_MS); q < n; q++) {
      const qs = first + q * QUARTER_HOUR_MS;
      if (qs >= b) break;
      const overlap = Math.min(b, qs + QUARTER_HOUR_MS) - Math.max(a, qs);
      if (overlap <= 0) continue;
      kwh[q]! += (iv.importKWh * overlap) / len;
      covered[q]! += overlap / QUARTER_HOUR_MS;
    }
  }
  const quarters: DemandInterval[] = [];
  for (let q = 0; q < n; q++) {
    const start = first + q * QUARTER_HOUR_MS;
    if (start < from || start >= to) continue;
    quarters.push({ start, kw: kwh[q]! * 4, coverage: Math.min(1, covered[q]!) });
  }
  return { quarters, coarse };
}
