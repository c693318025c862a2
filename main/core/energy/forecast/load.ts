import { isoDate, localMinute } from '../../rules/local-time.ts';

/**
 * Load forecast per circuit or zone from its history: a median per day type and local hour (robust
 * to the odd party or holiday), plus for heating-sensitive loads a heating-degree term fitted on
 * the same history: load = base[dayType][hour] + wPerK x max(0, baseTemp - outdoorTemp).
 *
 * The slope is the within-group least-squares estimate (each day-type/hour group's own mean
 * removed, so the daily shape cannot pass for a temperature effect); the base is then the median of
 * what the temperature term leaves. The balance temperature is chosen from 10..18 °C by in-sample
 * absolute error, and the term is kept only when it lowers that error by at least 5 % ("auto").
 */

export type DayType = 'workday' | 'saturday' | 'sunday';
const DAY_TYPES: DayType[] = ['workday', 'saturday', 'sunday'];

export interface LoadSample {
  start: number;
  end: number;
  kWh: number;
  /** outdoor temperature over the interval, °C */
  tempC?: number | null;
}

export interface LoadModel {
  timezone: string;
  /** median W per day type and local hour (null: never seen) */
  base: Record<DayType, Array<number | null>>;
  heating: { baseTempC: number; wPerK: number; meanHdd: number } | null;
  samples: number;
  /** in-sample mean absolute error, W */
  mae: number;
}

export interface LoadFitOptions {
  timezone: string;
  /** holidays run like Sundays */
  isHoliday?: (date: string) => boolean;
  /** 'auto' (default): keep the heating term when it helps; 'heating': always; 'none': never */
  temperature?: 'auto' | 'heating' | 'none';
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function dayTypeAt(
  ts: number,
  timezone: string,
  isHoliday?: (d: string) => boolean,
): { type: DayType; hour: number } {
  const lm = localMinute(ts, timezone);
  const type: DayType =
    lm.weekday === 0 || isHoliday?.(isoDate(lm)) ? 'sunday' : lm.weekday === 6 ? 'saturday' : 'workday';
  return { type, hour: lm.hour };
}

interface Row {
  group: number;
  w: number;
  t: number | null;
}

function baseOf(rows: Row[], hdd: (r: Row) => number, slope: number): Array<number | null> {
  const by: number[][] = Array.from({ length: 72 }, () => []);
  for (const r of rows) by[r.group]!.push(r.w - slope * hdd(r));
  return by.map(median);
}

function maeOf(rows: Row[], base: Array<number | null>, hdd: (r: Row) => number, slope: number): number {
  let s = 0;
  for (const r of rows) s += Math.abs(r.w - ((base[r.group] ?? 0) + slope * hdd(r)));
  return rows.length ? s / rows.length : 0;
}

export function fitLoadModel(history: readonly LoadSample[], opts: LoadFitOptions): LoadModel {
  const rows: Row[] = [];
  for (const s of history) {
    const ms = s.end - s.start;
    if (!(ms > 0) || !Number.isFinite(s.kWh)) continue;
    const { type, hour } = dayTypeAt(s.start, opts.timezone, opts.isHoliday);
    const t = s.tempC === undefined || s.tempC === null || !Number.isFinite(s.tempC) ? null : s.tempC;
    rows.push({ group: DAY_TYPES.indexOf(type) * 24 + hour, w: (s.kWh * 3_600_000_000) / ms, t });
  }
  const none = (_: Row) => 0;
  const plainBase = baseOf(rows, none, 0);
  let best = { base: plainBase, heating: null as LoadModel['heating'], mae: maeOf(rows, plainBase, none, 0) };
  const mode = opts.temperature ?? 'auto';
  const withTemp = rows.filter((r) => r.t !== null);
  if (mode !== 'none' && withTemp.length >= 48) {
    let candidate: typeof best | null = null;
    for (const baseTempC of [10, 12, 14, 15, 16, 18]) {
      const hdd = (r: Row) => (r.t === null ? 0 : Math.max(0, baseTempC - r.t));
      // within-group least squares
      const sums = new Map<number, { h: number; w: number; n: number }>();
      for (const r of withTemp) {
        const g = sums.get(r.group) ?? { h: 0, w: 0, n: 0 };
        g.h += hdd(r);
        g.w += r.w;
        g.n++;
        sums.set(r.group, g);
      }
      let sxy = 0;
      let sxx = 0;
      for (const r of withTemp) {
        const g = sums.get(r.group)!;
        const dh = hdd(r) - g.h / g.n;
        sxy += dh * (r.w - g.w / g.n);
        sxx += dh * dh;
      }
      if (sxx === 0) continue;
      const slope = sxy / sxx;
      if (!(slope > 0)) continue;
      // rows without a temperature cannot inform the base of a temperature model
      const base = baseOf(withTemp, hdd, slope);
      const mae = maeOf(withTemp, base, hdd, slope);
      const meanHdd = withTemp.reduce((s, r) => s + hdd(r), 0) / withTemp.length;
      if (!candidate || mae < candidate.mae)
        candidate = { base, heating: { baseTempC, wPerK: slope, meanHdd }, mae };
    }
    const plainMae = maeOf(withTemp, baseOf(withTemp, none, 0), none, 0);
    if (candidate && (mode === 'heating' || candidate.mae <= 0.95 * plainMae)) best = candidate;
  }
  const base = Object.fromEntries(
    DAY_TYPES.map((d, i) => [d, best.base.slice(i * 24, i * 24 + 24)]),
  ) as Record<DayType, Array<number | null>>;
  return { timezone: opts.timezone, base, heating: best.heating, samples: rows.length, mae: best.mae };
}

/** The base for a day type and hour, falling back to the other day types, then the hour's mean. */
function baseAt(model: LoadModel, type: DayType, hour: number): number {
  const direct = model.base[type][hour];
  if (direct !== null && direct !== undefined) return direct;
  const order: DayType[] =
    type === 'workday'
      ? ['saturday', 'sunday']
      : type === 'saturday'
        ? ['sunday', 'workday']
        : ['saturday', 'workday'];
  for (const o of order) {
    const v = model.base[o][hour];
    if (v !== null && v !== undefined) return v;
  }
  const all = DAY_TYPES.flatMap((d) => model.base[d]).filter((v): v is number => v !== null);
  return all.length ? all.reduce((a, b) => a + b, 0) / all.length : 0;
}

/**
 * Mean W per slot. With a heating term, each slot needs the outdoor temperature forecast for it;
 * where none is given, the training history's mean heating-degree value is used.
 */
export function forecastLoad(
  model: LoadModel,
  slotStarts: readonly number[],
  slotMs: number,
  tempC: ReadonlyArray<number | null> = [],
  isHoliday?: (date: string) => boolean,
): number[] {
  return slotStarts.map((s, i) => {
    const { type, hour } = dayTypeAt(s + slotMs / 2 - 1, model.timezone, isHoliday);
    let w = baseAt(model, type, hour);
    if (model.heating) {
      const t = tempC[i];
      const hdd =
        t === null || t === undefined ? model.heating.meanHdd : Math.max(0, model.heating.baseTempC - t);
      w += model.heating.wPerK * hdd;
    }
    return Math.max(0, w);
  });
}
