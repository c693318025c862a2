import { getTimes } from 'suncalc';
import type { LocalMinute } from '../../../shared/rules/cron.ts';
import type { SUN_EVENTS } from '../../../shared/rules/trigger.ts';

export type SunEvent = (typeof SUN_EVENTS)[number];
export interface Site {
  lat: number;
  lon: number;
  timezone: string;
}

/**
 * Sun events of one local date, computed offline from the site's coordinates. suncalc takes any
 * instant of the day; local noon (approximated from the longitude) picks the right day even far
 * from Greenwich. null where the event does not happen (polar day or night).
 */
export function sunTimes(
  date: Pick<LocalMinute, 'year' | 'month' | 'day'>,
  site: Site,
): Record<SunEvent, number | null> {
  const noonUtc = Date.UTC(date.year, date.month - 1, date.day, 12) - (site.lon / 15) * 3600_000;
  const t = getTimes(new Date(noonUtc), site.lat, site.lon);
  const ms = (d: Date | null) => (d && Number.isFinite(d.getTime()) ? d.getTime() : null);
  return {
    sunrise: ms(t.sunrise),
    sunset: ms(t.sunset),
    dawn: ms(t.dawn),
    dusk: ms(t.dusk),
    solarNoon: ms(t.solarNoon),
  };
}

/** Caches a day's times: the minute tick asks every minute. */
export class SunTable {
  readonly #site: Site;
  #key = '';
  #times: Record<SunEvent, number | null> | null = null;

  constructor(site: Site) {
    this.#site = site;
  }

  forDate(date: Pick<LocalMinute, 'year' | 'month' | 'day'>): Record<SunEvent, number | null> {
    const key = `${date.year}-${date.month}-${date.day}`;
    if (key !== this.#key || !this.#times) {
      this.#times = sunTimes(date, this.#site);
      this.#key = key;
    }
    return this.#times;
  }
}
