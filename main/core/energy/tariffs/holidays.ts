import Holidays from 'date-holidays';
import type { TariffVersion } from '../../../../shared/energy/tariff.ts';

type HolidaySpec = TariffVersion['holidays'];

/**
 * The holidays a tariff version prices with its `holiday` bands: the explicit dates plus, when a
 * country is set, its public holidays computed offline by date-holidays (types 'public' only:
 * bank, school and observance days are not holidays for a utility).
 */
export class HolidayCalendar {
  readonly #explicit: Set<string>;
  readonly #lib: Holidays | null;
  readonly #byYear = new Map<number, Set<string>>();

  constructor(spec: HolidaySpec) {
    this.#explicit = new Set(spec.dates);
    this.#lib = spec.country ? createLibrary(spec.country, spec.region) : null;
  }

  isHoliday(date: string): boolean {
    if (this.#explicit.has(date)) return true;
    if (!this.#lib) return false;
    const year = Number(date.slice(0, 4));
    let set = this.#byYear.get(year);
    if (!set) {
      set = new Set(
        this.#lib
          .getHolidays(year)
          .filter((h) => h.type === 'public')
          .map((h) => h.date.slice(0, 10)),
      );
      this.#byYear.set(year, set);
    }
    return set.has(date);
  }
}

function createLibrary(country: string, region: string | null): Holidays {
  const probe = new Holidays();
  const countries = probe.getCountries('en') ?? {};
  if (!(country in countries))
    throw new Error(`holidays.country: "${country}" is not a country date-holidays knows`);
  if (region) {
    const regions = probe.getStates(country, 'en') ?? {};
    if (!(region in regions))
      throw new Error(
        `holidays.region: "${region}" is not a region of ${country} (known: ${Object.keys(regions).slice(0, 40).join(', ') || 'none'})`,
      );
  }
  return region
    ? new Holidays(country, region, { types: ['public'] })
    : new Holidays(country, { types: ['public'] });
}
