import type { RepairedReading } from './repair.ts';

/** Energy through a meter over [start, end). */
export interface MeterInterval {
  start: number;
  end: number;
  /** null where the interval is not covered by readings on both sides */
  kWh: number | null;
  /** true when the interval lies (partly) in a gap: its energy is the gap's, spread evenly */
  interpolated: boolean;
}

function valueAt(r: readonly RepairedReading[], t: number): { kwh: number; gap: boolean } | null {
  if (r.length === 0 || t < r[0]!.ts || t > r[r.length - 1]!.ts) return null;
  let lo = 0;
  let hi = r.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (r[mid]!.ts <= t) lo = mid;
    else hi = mid;
  }
  const a = r[lo]!;
  const b = r[hi]!;
  if (b.ts === a.ts || t === a.ts) return { kwh: a.totalKWh, gap: false };
  return { kwh: a.totalKWh + ((b.totalKWh - a.totalKWh) * (t - a.ts)) / (b.ts - a.ts), gap: b.afterGap };
}

/**
 * Energy per interval of `stepMs` from repaired counter readings, reading the counter at each
 * boundary by linear interpolation between the readings around it.
 */
export function intervalEnergy(
  readings: readonly RepairedReading[],
  from: number,
  to: number,
  stepMs: number,
): MeterInterval[] {
  if (!(stepMs > 0)) throw new Error('stepMs must be positive');
  const out: MeterInterval[] = [];
  let k = 0;
  for (let t = from; t < to; t += stepMs) {
    const end = Math.min(to, t + stepMs);
    const a = valueAt(readings, t);
    const b = valueAt(readings, end);
    // a gap anywhere inside the interval makes it interpolated
    let gap = (a?.gap ?? false) || (b?.gap ?? false);
    while (k < readings.length && readings[k]!.ts <= t) k++;
    for (let j = k; j < readings.length && readings[j]!.ts <= end; j++) if (readings[j]!.afterGap) gap = true;
    out.push({ start: t, end, kWh: a && b ? b.kwh - a.kwh : null, interpolated: gap });
  }
  return out;
}

/**
 * Energy per interval from a power entity's samples (W) when no counter exists: each sample holds
 * until the next (power entities report on change), for at most `maxHoldMs`; beyond that the
 * interval is not covered.
 */
export function energyFromPower(
  samples: ReadonlyArray<{ ts: number; w: number }>,
  from: number,
  to: number,
  stepMs: number,
  maxHoldMs = 15 * 60_000,
): MeterInterval[] {
  if (!(stepMs > 0)) throw new Error('stepMs must be positive');
  const out: MeterInterval[] = [];
  let k = 0;
  for (let t = from; t < to; t += stepMs) {
    const end = Math.min(to, t + stepMs);
    while (k < samples.length - 1 && samples[k + 1]!.ts <= t) k++;
    let wh = 0;
    let covered = 0;
    for (let j = k; j < samples.length && samples[j]!.ts < end; j++) {
      const s = samples[j]!;
      if (!Number.isFinite(s.w)) continue;
      const next = samples[j + 1]?.ts ?? Infinity;
      const a = Math.max(t, s.ts);
      const b = Math.min(end, next, s.ts + maxHoldMs);
      if (b > a) {
        wh += (s.w * (b - a)) / 3_600_000;
        covered += b - a;
      }
    }
    out.push({ start: t, end, kWh: covered >= end - t - 1 ? wh / 1000 : null, interpolated: false });
  }
  return out;
}
