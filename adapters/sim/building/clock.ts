/** Local civil time of the site, derived from the model's epoch milliseconds. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface LocalTime {
  /** hours since local midnight, fractional */
  hour: number;
  /** 0 = Sunday ... 6 = Saturday */
  weekday: number;
  /** 0-based day of the year */
  dayOfYear: number;
  isWorkday: boolean;
}

/**
 * A fixed UTC offset keeps the model free of the host's time zone database (the same seed gives
 * the same building on any machine); summer time is ignored on purpose.
 */
export function localTime(epochMs: number, utcOffsetMinutes: number): LocalTime {
  const local = new Date(epochMs + utcOffsetMinutes * MINUTE_MS);
  const hour = local.getUTCHours() + local.getUTCMinutes() / 60 + local.getUTCSeconds() / 3600;
  const weekday = local.getUTCDay();
  const startOfYear = Date.UTC(local.getUTCFullYear(), 0, 1);
  const dayOfYear = Math.floor((local.getTime() - startOfYear) / DAY_MS);
  return { hour, weekday, dayOfYear, isWorkday: weekday >= 1 && weekday <= 5 };
}
