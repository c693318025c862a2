import { z } from 'zod';
import { IsoDate, TimeOfDay, WEEKDAYS, minutesOf } from '../rules/primitives.ts';

/**
 * Tariffs as data: what a site pays for energy from the grid and is paid for energy sent to it.
 *
 * A tariff is a list of versions, each valid from a local date (the site's time zone) until the
 * next one. Costs are always computed with the version valid at the time the energy flowed, so a
 * new version never re-prices history (`reviseTariff` refuses a version that would).
 *
 * Within a version:
 * - seasons are recurring date ranges (`MM-DD` to `MM-DD`, inclusive, may wrap the new year) that
 *   together cover every day of the year exactly once;
 * - each season's bands give a price per kWh for local clock times on day types (a weekday or
 *   `holiday`). Times are read on each local day's own clock: a band `22:00-06:00` on `mon`
 *   prices Monday 00:00-06:00 and Monday 22:00-24:00. A band with `from == to` lasts all day.
 *   The bands of a season cover all 24 hours of every day type exactly once;
 * - a holiday (from the explicit list, or the public holidays of `country`/`region`) is priced
 *   by the `holiday` bands instead of its weekday's;
 * - demand charges are priced per kW of the highest 15-minute average import in each billing
 *   period (optionally counting only quarter hours inside a window);
 * - export (feed-in) is paid at the band's `exportPrice`, else the version's flat `exportPrice`;
 * - fixed charges per day or per billing period ("month"), per-kWh levies on import, and VAT on
 *   the import side (and on export credit where `vatOnExport`);
 * - a dynamic (day-ahead) tariff names a price series; where the series has a price, the energy
 *   price is `spot * multiplier + adder`; where it has none, the bands apply.
 *
 * All prices are in the tariff's currency per kWh before VAT.
 */

export const TARIFF_FORMAT = 'truss.tariff';
export const TARIFF_FORMAT_VERSION = 1;

export const DAY_TYPES = [...WEEKDAYS, 'holiday'] as const;
export const DayType = z.enum(DAY_TYPES);
export type DayType = z.infer<typeof DayType>;

const DAY_LABEL: Record<DayType, string> = {
  sun: 'Sundays',
  mon: 'Mondays',
  tue: 'Tuesdays',
  wed: 'Wednesdays',
  thu: 'Thursdays',
  fri: 'Fridays',
  sat: 'Saturdays',
  holiday: 'holidays',
};

/** Currency per kWh. Wholesale extremes are -0.5 .. 4 EUR/kWh; ten units bounds every real tariff. */
export const PricePerKWh = z.number().finite().min(-10, 'at least -10 per kWh').max(10, 'at most 10 per kWh');

/** `MM-DD` of a recurring date (02-29 allowed). */
export const MonthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date as MM-DD')
  .refine((s) => {
    const [m, d] = s.split('-').map(Number) as [number, number];
    return d <= [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  }, 'no such day in that month');

const Name = z.string().trim().min(1, 'give it a name').max(60);
const Days = z
  .array(DayType)
  .min(1, 'pick at least one day')
  .max(8)
  .refine((d) => new Set(d).size === d.length, 'a day is listed twice');

export const TariffBand = z
  .object({
    name: Name,
    days: Days,
    from: TimeOfDay,
    /** `to <= from` crosses midnight on the same day's clock; `to == from` is the whole day */
    to: TimeOfDay,
    importPrice: PricePerKWh,
    /** paid per exported kWh in this band; absent: the version's flat exportPrice */
    exportPrice: PricePerKWh.optional(),
  })
  .strict();
export type TariffBand = z.infer<typeof TariffBand>;

export const TariffSeason = z
  .object({
    name: Name,
    from: MonthDay,
    /** inclusive; `to < from` wraps the new year (e.g. 10-01 to 03-31) */
    to: MonthDay,
    bands: z.array(TariffBand).min(1, 'a season needs at least one band').max(48),
  })
  .strict();
export type TariffSeason = z.infer<typeof TariffSeason>;

export const DemandCharge = z
  .object({
    name: Name,
    /** per kW of the period's highest 15-minute average import */
    pricePerKw: z.number().finite().min(0).max(1000),
    /** only quarter hours starting inside this window count; absent: all of them */
    window: z.object({ days: Days, from: TimeOfDay, to: TimeOfDay }).strict().optional(),
  })
  .strict();
export type DemandCharge = z.infer<typeof DemandCharge>;

export const FixedCharge = z
  .object({
    name: Name,
    amount: z.number().finite().min(0).max(100_000),
    /** 'month' means per billing period */
    per: z.enum(['day', 'month']),
  })
  .strict();
export type FixedCharge = z.infer<typeof FixedCharge>;

export const Levy = z.object({ name: Name, perKWh: z.number().finite().min(0).max(10) }).strict();
export type Levy = z.infer<typeof Levy>;

const Linear = z
  .object({
    multiplier: z.number().finite().min(0).max(10).default(1),
    /** currency per kWh added after the multiplier (grid fees, supplier margin) */
    adder: PricePerKWh.default(0),
  })
  .strict();

export const DynamicPricing = z
  .object({
    /** id of the day-ahead price series (a file import or an MQTT topic feeds it) */
    series: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, ".", "-" and "_"'),
    import: Linear.default({ multiplier: 1, adder: 0 }),
    /** export paid at the spot price too; null: the bands' or flat export price */
    export: Linear.nullable().default(null),
  })
  .strict();
export type DynamicPricing = z.infer<typeof DynamicPricing>;

export const TariffVersion = z
  .object({
    /** local date (site time zone) from which this version applies, at the start of that day */
    validFrom: IsoDate,
    seasons: z.array(TariffSeason).min(1, 'at least one season (one covering 01-01 to 12-31)').max(12),
    /** flat feed-in price; null: export is not paid (unless a band or the dynamic export says so) */
    exportPrice: PricePerKWh.nullable().default(null),
    demandCharges: z.array(DemandCharge).max(4).default([]),
    fixedCharges: z.array(FixedCharge).max(10).default([]),
    taxes: z
      .object({
        vatPercent: z.number().finite().min(0).max(100).default(0),
        levies: z.array(Levy).max(10).default([]),
        vatOnExport: z.boolean().default(false),
      })
      .strict()
      .default({ vatPercent: 0, levies: [], vatOnExport: false }),
    billing: z
      .object({
        /** local day of the month on which each billing period starts (1..28) */
        periodStartDay: z.number().int().min(1).max(28).default(1),
      })
      .strict()
      .default({ periodStartDay: 1 }),
    holidays: z
      .object({
        dates: z.array(IsoDate).max(1000).default([]),
        /** ISO 3166-1 alpha-2: public holidays computed offline (date-holidays) */
        country: z
          .string()
          .regex(/^[A-Z]{2}$/, 'a two-letter country code such as DE')
          .nullable()
          .default(null),
        /** subdivision code as date-holidays names it (e.g. BY for Bavaria) */
        region: z
          .string()
          .regex(/^[A-Z0-9]{1,4}$/, 'a region code such as BY')
          .nullable()
          .default(null),
      })
      .strict()
      .default({ dates: [], country: null, region: null }),
    dynamic: DynamicPricing.nullable().default(null),
  })
  .strict()
  .superRefine((v, ctx) => {
    checkSeasons(v.seasons, ctx);
    v.seasons.forEach((s, i) => checkBands(s, ctx, ['seasons', i, 'bands']));
    if (v.holidays.region && !v.holidays.country)
      ctx.addIssue({ code: 'custom', path: ['holidays', 'region'], message: 'a region needs a country' });
  });
export type TariffVersion = z.infer<typeof TariffVersion>;
export type TariffVersionInput = z.input<typeof TariffVersion>;

export const Tariff = z
  .object({
    format: z.literal(TARIFF_FORMAT).default(TARIFF_FORMAT),
    formatVersion: z.literal(TARIFF_FORMAT_VERSION).default(TARIFF_FORMAT_VERSION),
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, "-" and "_" (at most 64)'),
    name: z.string().trim().min(1, 'give the tariff a name').max(120),
    /** ISO 4217 */
    currency: z.string().regex(/^[A-Z]{3}$/, 'a currency code such as EUR'),
    versions: z.array(TariffVersion).min(1, 'a tariff needs at least one version').max(200),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (let i = 1; i < t.versions.length; i++) {
      if (t.versions[i]!.validFrom <= t.versions[i - 1]!.validFrom)
        ctx.addIssue({
          code: 'custom',
          path: ['versions', i, 'validFrom'],
          message: `versions must be in order of validFrom, each later than the one before (${t.versions[i - 1]!.validFrom})`,
        });
    }
  });
export type Tariff = z.infer<typeof Tariff>;
export type TariffInput = z.input<typeof Tariff>;

// ---- coverage checks ---------------------------------------------------------------------------

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Day-of-year index 0..365 on a leap-year calendar, so 02-29 has its own slot. */
function dayIndex(md: string): number {
  const [m, d] = md.split('-').map(Number) as [number, number];
  let n = 0;
  for (let i = 0; i < m - 1; i++) n += MONTH_DAYS[i]!;
  return n + d - 1;
}
function mdOfIndex(i: number): string {
  let m = 0;
  while (i >= MONTH_DAYS[m]!) i -= MONTH_DAYS[m++]!;
  return `${String(m + 1).padStart(2, '0')}-${String(i + 1).padStart(2, '0')}`;
}

/** True when recurring `MM-DD` falls in the season (inclusive, wrapping the new year). */
export function seasonContains(season: Pick<TariffSeason, 'from' | 'to'>, md: string): boolean {
  const x = dayIndex(md);
  const a = dayIndex(season.from);
  const b = dayIndex(season.to);
  return a <= b ? x >= a && x <= b : x >= a || x <= b;
}

function checkSeasons(seasons: TariffSeason[], ctx: z.RefinementCtx): void {
  for (let i = 0; i < 366; i++) {
    const md = mdOfIndex(i);
    const hits = seasons.filter((s) => seasonContains(s, md));
    if (hits.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['seasons'], message: `${md} is in no season` });
      return;
    }
    if (hits.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['seasons'],
        message: `${md} is in two seasons ("${hits[0]!.name}" and "${hits[1]!.name}")`,
      });
      return;
    }
  }
}

/** The minutes of a day (0..1439) a from/to window covers on its own day's clock. */
export function windowMinutes(from: string, to: string): Array<[number, number]> {
  const a = minutesOf(from);
  const b = minutesOf(to);
  if (a === b) return [[0, 1440]];
  return a < b
    ? [[a, b]]
    : ([
        [a, 1440],
        [0, b],
      ].filter(([x, y]) => y! > x!) as Array<[number, number]>);
}

function hhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function checkBands(season: TariffSeason, ctx: z.RefinementCtx, path: (string | number)[]): void {
  for (const day of DAY_TYPES) {
    const owner: Array<number> = new Array(1440).fill(-1);
    for (let b = 0; b < season.bands.length; b++) {
      const band = season.bands[b]!;
      if (!band.days.includes(day)) continue;
      for (const [x, y] of windowMinutes(band.from, band.to)) {
        for (let m = x; m < y; m++) {
          if (owner[m] !== -1) {
            ctx.addIssue({
              code: 'custom',
              path: [...path, b],
              message: `season "${season.name}": bands "${season.bands[owner[m]!]!.name}" and "${band.name}" overlap on ${DAY_LABEL[day]} at ${hhmm(m)}`,
            });
            return;
          }
          owner[m] = b;
        }
      }
    }
    const gap = owner.indexOf(-1);
    if (gap >= 0) {
      let end = gap;
      while (end < 1440 && owner[end] === -1) end++;
      ctx.addIssue({
        code: 'custom',
        path,
        message: `season "${season.name}": on ${DAY_LABEL[day]} ${hhmm(gap)}-${hhmm(end)} has no band`,
      });
      return;
    }
  }
}

// ---- import / export ---------------------------------------------------------------------------

export type TariffImport = { ok: true; tariff: Tariff } | { ok: false; errors: string[] };

/** `versions[0].seasons[1].bands[2].from: a time as HH:MM` */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((i) => {
    const path = i.path
      .map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return path ? `${path}: ${i.message}` : i.message;
  });
}

/** Reads a tariff file (JSON text). Errors name the field; a newer format says so. */
export function importTariff(text: string): TariffImport {
  if (text.length > 2_000_000) return { ok: false, errors: ['the file is larger than 2 MB'] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`not JSON: ${(err as Error).message}`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, errors: ['not a tariff: expected a JSON object'] };
  const { format, formatVersion } = json as Record<string, unknown>;
  if (format !== undefined && format !== TARIFF_FORMAT)
    return {
      ok: false,
      errors: [`format: "${String(format).slice(0, 40)}" is not a Truss tariff ("${TARIFF_FORMAT}")`],
    };
  if (typeof formatVersion === 'number' && formatVersion > TARIFF_FORMAT_VERSION)
    return {
      ok: false,
      errors: [
        `formatVersion: this file is tariff format ${formatVersion}; this Truss reads format ${TARIFF_FORMAT_VERSION}. Update Truss to import it`,
      ],
    };
  const parsed = Tariff.safeParse(json);
  return parsed.success
    ? { ok: true, tariff: parsed.data }
    : { ok: false, errors: formatIssues(parsed.error) };
}

/** The tariff as a versioned JSON file, fields in schema order. */
export function exportTariff(tariff: Tariff): string {
  return `${JSON.stringify(Tariff.parse(tariff), null, 2)}\n`;
}

/**
 * Adds (or replaces, if not yet in force) a version. History keeps the prices it was billed with:
 * a version must start after `today` (the site's local date), and versions already in force are
 * never changed.
 */
export function reviseTariff(tariff: Tariff, version: TariffVersionInput, today: string): Tariff {
  const v = TariffVersion.parse(version);
  if (v.validFrom <= today)
    throw new Error(
      `validFrom: a new version must start after today (${today}); prices already billed are never re-priced`,
    );
  const kept = tariff.versions.filter((x) => x.validFrom !== v.validFrom);
  return Tariff.parse({
    ...tariff,
    versions: [...kept, v].sort((a, b) => a.validFrom.localeCompare(b.validFrom)),
  });
}

/**
 * For a save path: null when `after` leaves every version in force on `today` as it was (new
 * versions start after today), otherwise the reason.
 */
export function checkTariffUpdate(before: Tariff, after: Tariff, today: string): string | null {
  const inForce = (t: Tariff) => t.versions.filter((v) => v.validFrom <= today);
  const a = inForce(before);
  const b = inForce(after);
  if (a.length !== b.length || a.some((v, i) => JSON.stringify(v) !== JSON.stringify(b[i])))
    return `versions valid on or before ${today} cannot change: add a version valid from a later date instead`;
  if (before.currency !== after.currency && a.length > 0)
    return 'the currency of a tariff in use cannot change';
  return null;
}
