import { localMinute } from '../../rules/local-time.ts';

/**
 * Outdoor temperature forecast without a weather service (Truss runs offline): the median daily
 * curve of recent days by local hour, shifted by today's anomaly (the last reading minus the curve
 * at its hour), which fades with an e-folding time of `decayHours`. A persistence forecast: good
 * for hours ahead, drifting to "a typical recent day" beyond that. Where a weather entity with a
 * forecast exists, its values should be preferred.
 */
export interface TemperatureForecastOptions {
  timezone: string;
  now: number;
  /** days of history in the curve (default 7) */
  days?: number;
  /** hours over which today's anomaly fades to e^-1 (default 6) */
  decayHours?: number;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function forecastTemperature(
  history: ReadonlyArray<{ ts: number; tempC: number }>,
  slotStarts: readonly number[],
  slotMs: number,
  opts: TemperatureForecastOptions,
): number[] {
  const days = opts.days ?? 7;
  const from = opts.now - days * 86_400_000;
  const byHour: number[][] = Array.from({ length: 24 }, () => []);
  let last: { ts: number; tempC: number } | null = null;
  for (const h of history) {
    if (h.ts < from || h.ts > opts.now || !Number.isFinite(h.tempC)) continue;
    byHour[localMinute(h.ts, opts.timezone).hour]!.push(h.tempC);
    if (!last || h.ts > last.ts) last = h;
  }
  if (!last) throw new Error(`no outdoor temperature in the last ${days} days: nothing to forecast from`);
  const all = byHour.flat();
  const overall = median(all)!;
  const curve = byHour.map((xs) => median(xs) ?? overall);
  const anomaly = last.tempC - curve[localMinute(last.ts, opts.timezone).hour]!;
  const tau = (opts.decayHours ?? 6) * 3_600_000;
  return slotStarts.map((s) => {
    const mid = s + slotMs / 2;
    const fade = Math.exp(-Math.max(0, mid - last.ts) / tau);
    return curve[localMinute(mid, opts.timezone).hour]! + anomaly * fade;
  });
}
