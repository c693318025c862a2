import { PvSystem, type PvSystemInput } from '../../../../shared/energy/forecast.ts';
import { planeIrradiance } from './solar.ts';

export interface PvSite {
  lat: number;
  lon: number;
}

export interface PvConditions {
  /** cloud cover 0..1 (Kasten-Czeplak); absent: clear sky */
  cloudCover?: number | null;
  /** air temperature, °C, for the cell temperature; absent: cells at 25 °C */
  airTempC?: number | null;
}

/**
 * AC power of the system at one instant, W: plane-of-array irradiance per array (solar.ts) times
 * kWp / 1000 W/m^2, a temperature correction with the cell temperature from the NOCT model
 * (T_cell = T_air + POA / 800 x (45 - 20), NOCT 45 °C), the array's derate, summed and clipped at the
 * inverters' AC limit. This is the PVWatts structure (Dobos 2014, NREL/TP-6A20-62641) without its
 * angle-of-incidence and spectral terms.
 */
export function pvPowerW(system: PvSystem, site: PvSite, ts: number, c: PvConditions = {}): number {
  let w = 0;
  for (const a of system.arrays) {
    const { poa } = planeIrradiance(ts, site.lat, site.lon, a, c.cloudCover ?? null);
    if (poa <= 0) continue;
    const cell = c.airTempC === null || c.airTempC === undefined ? 25 : c.airTempC + (poa / 800) * 25;
    w += a.kWp * poa * (1 + a.tempCoeffPerK * (cell - 25)) * a.derate;
  }
  return system.inverterKw === null ? w : Math.min(w, system.inverterKw * 1000);
}

const SUBSTEP_MS = 5 * 60_000;

/** Mean power over [start, end), W, from samples at the midpoints of 5-minute steps. */
export function pvMeanPowerW(
  system: PvSystem,
  site: PvSite,
  start: number,
  end: number,
  c: PvConditions = {},
): number {
  const n = Math.max(1, Math.round((end - start) / SUBSTEP_MS));
  const step = (end - start) / n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += pvPowerW(system, site, start + (i + 0.5) * step, c);
  return sum / n;
}

/** Hour of mean solar time (0..23) at `ts`: the sun's clock, the same all year and across DST. */
export function solarHour(ts: number, lon: number): number {
  const h = (((ts / 3_600_000 + lon / 15) % 24) + 24) % 24;
  return Math.floor(h);
}

/**
 * What the clear-sky model misses at this site (shading, soiling, a wrong kWp or azimuth, the
 * usual cloudiness): per hour of solar time, the median over recent days of measured / modelled
 * energy. A median ignores the odd cloudy or snowy day; hours with too little modelled output to
 * tell (under 5 % of kWp) are not used.
 */
export interface PvCorrection {
  /** per solar hour 0..23; null where fewer than 3 days had a usable ratio */
  byHour: Array<number | null>;
  /** median of all usable ratios; null when there were none */
  overall: number | null;
  /** usable (interval, ratio) pairs */
  samples: number;
  days: number;
}

export interface EnergyPoint {
  start: number;
  end: number;
  kWh: number;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Learns the correction from measured production (e.g. hourly energy of the PV counter) over the last `days`. */
export function learnPvCorrection(
  systemInput: PvSystem | PvSystemInput,
  site: PvSite,
  production: readonly EnergyPoint[],
  opts: { now: number; days?: number },
): PvCorrection {
  const system = PvSystem.parse(systemInput);
  const days = opts.days ?? 14;
  const from = opts.now - days * 86_400_000;
  const kwp = system.arrays.reduce((s, a) => s + a.kWp, 0);
  const perHour: number[][] = Array.from({ length: 24 }, () => []);
  const all: number[] = [];
  for (const p of production) {
    if (p.start < from || p.end > opts.now || !Number.isFinite(p.kWh) || p.kWh < 0) continue;
    const modelW = pvMeanPowerW(system, site, p.start, p.end);
    if (modelW < 0.05 * kwp * 1000) continue;
    const measuredW = (p.kWh * 3_600_000_000) / (p.end - p.start);
    const ratio = Math.min(1.5, measuredW / modelW);
    perHour[solarHour((p.start + p.end) / 2, site.lon)]!.push(ratio);
    all.push(ratio);
  }
  return {
    byHour: perHour.map((r) => (r.length >= 3 ? median(r) : null)),
    overall: median(all),
    samples: all.length,
    days,
  };
}

export interface PvForecastOptions {
  correction?: PvCorrection | null;
  /** per slot, 0..1 */
  cloudCover?: ReadonlyArray<number | null>;
  /** per slot, °C */
  airTempC?: ReadonlyArray<number | null>;
}

/**
 * PV production forecast, mean W per slot [slotStarts[i], slotStarts[i] + slotMs): the clear-sky
 * model times the learnt correction of the slot's solar hour (else the overall one, else 1).
 */
export function pvForecast(
  systemInput: PvSystem | PvSystemInput,
  site: PvSite,
  slotStarts: readonly number[],
  slotMs: number,
  opts: PvForecastOptions = {},
): number[] {
  const system = PvSystem.parse(systemInput);
  return slotStarts.map((s, i) => {
    const w = pvMeanPowerW(system, site, s, s + slotMs, {
      cloudCover: opts.cloudCover?.[i] ?? null,
      airTempC: opts.airTempC?.[i] ?? null,
    });
    const c = opts.correction;
    const k = c ? (c.byHour[solarHour(s + slotMs / 2, site.lon)] ?? c.overall ?? 1) : 1;
    return w * k;
  });
}
