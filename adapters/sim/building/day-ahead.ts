/**
 * The demo's day-ahead market: hourly prices (EUR/MWh) with the daily shape a central European
 * bidding zone shows: cheap nights, a morning ramp, a midday dip where solar floods the market
 * (negative on some sunny weekends), and the evening peak when solar fades and households cook.
 * Each day differs (wind, weather) by a seeded, deterministic factor, so tests can rely on it.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** a deterministic 0..1 from an integer (mulberry32 step) */
function unit(n: number): number {
  let t = (n + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** the shape of a day, EUR/MWh by local hour (a typical 2024 weekday in DE-LU) */
const WEEKDAY = [
  82, 76, 72, 70, 72, 80, 98, 125, 132, 112, 88, 70, 58, 55, 62, 78, 102, 138, 158, 150, 128, 110, 98, 88,
];

export interface DayAheadPrice {
  start: number;
  end: number;
  /** EUR/MWh */
  price: number;
}

/**
 * Hourly prices of the local day starting at `dayStart` (ms, a local midnight); `utcOffsetH` shifts
 * the shape onto local hours, `seed` picks the weather.
 */
export function dayAheadPrices(dayStart: number, seed: number, utcOffsetH = 1): DayAheadPrice[] {
  const dayIndex = Math.floor((dayStart + utcOffsetH * HOUR) / DAY);
  const weekday = new Date(dayStart + utcOffsetH * HOUR + 12 * HOUR).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  // windy days are cheaper all day; sunny days deepen the midday dip
  const wind = 0.75 + 0.5 * unit(dayIndex * 31 + seed);
  const sun = unit(dayIndex * 17 + seed * 7);
  const out: DayAheadPrice[] = [];
  for (let h = 0; h < 24; h++) {
    const midday = h >= 10 && h <= 15 ? 1 - Math.abs(h - 12.5) / 3 : 0;
    let p = WEEKDAY[h]! * wind - midday * sun * 70 - (weekend ? 18 : 0);
    p += (unit(dayIndex * 24 + h + seed * 1000) - 0.5) * 12;
    out.push({
      start: dayStart + h * HOUR,
      end: dayStart + (h + 1) * HOUR,
      price: Math.round(p * 100) / 100,
    });
  }
  return out;
}
