import { Tariff, type TariffInput, type TariffVersion } from '../../../../shared/energy/tariff.ts';
import { isValidTimeZone } from '../../rules/local-time.ts';
import type { DynamicPriceSource } from './dynamic/price-series.ts';
import { HolidayCalendar } from './holidays.ts';

export interface TariffContextOptions {
  tariff: Tariff | TariffInput;
  /** the site's IANA time zone: bands, seasons, days and billing periods are on its clock */
  timezone: string;
  /** day-ahead prices for tariffs with a `dynamic` series; absent: bands everywhere */
  prices?: DynamicPriceSource | null;
}

export interface VersionInForce {
  index: number;
  version: TariffVersion;
  holidays: HolidayCalendar;
}

/**
 * A tariff made ready to price: validated, bound to the site's time zone, its holiday calendars
 * built, and the dynamic price source attached. Every pricing and cost function takes one.
 */
export interface TariffContext {
  readonly tariff: Tariff;
  readonly timezone: string;
  readonly prices: DynamicPriceSource | null;
  /** the version valid on a local date, or null before the first one */
  versionOn(date: string): VersionInForce | null;
}

export function createTariffContext(opts: TariffContextOptions): TariffContext {
  if (!isValidTimeZone(opts.timezone))
    throw new Error(`timezone: "${opts.timezone}" is not an IANA time zone`);
  const parsed = Tariff.safeParse(opts.tariff);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`tariff ${first.path.join('.')}: ${first.message}`);
  }
  const tariff = parsed.data;
  // Built now, so a bad country or region fails when the tariff is loaded, not when it is first priced.
  const versions: VersionInForce[] = tariff.versions.map((version, index) => {
    try {
      return { index, version, holidays: new HolidayCalendar(version.holidays) };
    } catch (err) {
      throw new Error(`tariff versions[${index}].${(err as Error).message}`);
    }
  });
  return {
    tariff,
    timezone: opts.timezone,
    prices: opts.prices ?? null,
    versionOn(date) {
      let found: VersionInForce | null = null;
      for (const v of versions) if (v.version.validFrom <= date) found = v;
      return found;
    },
  };
}
