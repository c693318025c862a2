import type { PricePoint } from './price-series.ts';

/** A price as read from a file or payload, before unit conversion; `row` names it in errors. */
export interface RawPrice {
  start: number;
  end: number;
  price: number;
  row: string;
}

/** A price unit understood from a file: dividing by `divisor` converts to currency per kWh. */
export interface PriceUnit {
  /** ISO 4217, or null where only a sub-unit was named ("ct/kWh") */
  currency: string | null;
  /** 1000 for per MWh, 100 for cents; a division keeps 92.1 EUR/MWh at exactly 0.0921 */
  divisor: number;
  per: 'kWh' | 'MWh';
  label: string;
}

/** Refused price data: every problem found (the first ones), each naming the row or time. */
export class PriceDataError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      problems.slice(0, 5).join('; ') + (problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''),
    );
    this.name = 'PriceDataError';
    this.problems = problems;
  }
}

const CURRENCY_WORDS: Record<string, string> = { '€': 'EUR', eur: 'EUR', euro: 'EUR', '£': 'GBP', $: 'USD' };
const SUBUNITS: Record<string, string | null> = {
  ct: null,
  c: null,
  cent: null,
  cents: null,
  p: 'GBP',
  pence: 'GBP',
  öre: null,
  ore: null,
  øre: null,
};

/** "EUR/MWh", "Eur/MWh", "€/kWh", "ct/kWh", "p/kWh", "SEK/kWh" ... */
export function parsePriceUnit(text: string): PriceUnit {
  const m = /^\s*([^\s/]+)\s*\/\s*(k|M)Wh\s*$/i.exec(text);
  if (!m)
    throw new PriceDataError([`unit "${text.slice(0, 40)}" is not a price per kWh or MWh (e.g. EUR/MWh)`]);
  const money = m[1]!;
  const per = m[2]!.toLowerCase() === 'k' ? 'kWh' : 'MWh';
  const perDivisor = per === 'MWh' ? 1000 : 1;
  const lower = money.toLowerCase();
  if (lower in SUBUNITS)
    return { currency: SUBUNITS[lower]!, divisor: perDivisor * 100, per, label: text.trim() };
  const currency = CURRENCY_WORDS[lower] ?? (/^[A-Za-z]{3}$/.test(money) ? money.toUpperCase() : null);
  if (!currency) throw new PriceDataError([`unit "${text.slice(0, 40)}": "${money}" is not a currency`]);
  return { currency, divisor: perDivisor, per, label: text.trim() };
}

/** Rough size of one currency unit against the euro, for the "absurd value" bounds only. */
const UNITS_PER_EUR: Record<string, number> = {
  SEK: 12,
  NOK: 12,
  DKK: 7.5,
  PLN: 4.5,
  CZK: 25,
  HUF: 400,
  RON: 5,
  BGN: 2,
  ISK: 150,
  JPY: 160,
  AUD: 1.7,
  NZD: 1.8,
  CAD: 1.5,
};

export interface ValidateOptions {
  unit: PriceUnit;
  /** the tariff's currency: prices in another currency are refused */
  currency: string;
  /** accepted range in currency per kWh; default -1 .. 5 EUR/kWh, scaled for other currencies
   * (the EU day-ahead market clears between -0.5 and 4 EUR/kWh) */
  bounds?: { min: number; max: number };
  /** market time units accepted, minutes */
  resolutions?: number[];
}

const iso = (t: number) => new Date(t).toISOString().replace(':00.000Z', 'Z');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
}

/**
 * Checks a batch of day-ahead prices and converts them to currency per kWh. Refuses (with every
 * problem named): a currency other than the tariff's, a unit the values contradict (per-MWh
 * numbers labelled per kWh or the reverse), NaN or infinite values, times that are not instants,
 * market time units other than 15/30/60 minutes, overlaps, gaps, and prices outside the bounds.
 */
export function validatePricePoints(raw: readonly RawPrice[], opts: ValidateOptions): PricePoint[] {
  const problems: string[] = [];
  const { unit } = opts;
  if (unit.currency && unit.currency !== opts.currency)
    problems.push(`the prices are in ${unit.currency}, the tariff is in ${opts.currency}`);
  if (raw.length === 0) problems.push('no prices in the data');
  if (raw.length > 20_000) problems.push(`${raw.length} prices: at most 20000 in one batch`);
  if (problems.length) throw new PriceDataError(problems);

  const factor = UNITS_PER_EUR[opts.currency] ?? 1;
  const bounds = opts.bounds ?? { min: -1 * factor, max: 5 * factor };
  const resolutions = opts.resolutions ?? [15, 30, 60];
  const ok: RawPrice[] = [];
  for (const r of raw) {
    if (!Number.isFinite(r.start) || !Number.isFinite(r.end))
      problems.push(`${r.row}: the time is not a valid instant`);
    else if (r.start < Date.UTC(2000, 0, 1) || r.end > Date.UTC(2100, 0, 1))
      problems.push(`${r.row}: ${iso(r.start)} is outside 2000-2100`);
    else if (!resolutions.includes((r.end - r.start) / 60_000))
      problems.push(
        `${r.row}: a market time unit of ${(r.end - r.start) / 60_000} minutes (expected ${resolutions.join(', ')})`,
      );
    else if (typeof r.price !== 'number' || !Number.isFinite(r.price))
      problems.push(`${r.row}: the price is not a number (${String(r.price).slice(0, 20)})`);
    else ok.push(r);
  }
  if (problems.length) throw new PriceDataError(problems);

  // units before bounds: a whole batch off by 1000 is a unit mistake, not 96 absurd prices
  const abs = ok.map((r) => Math.abs(r.price / unit.divisor));
  const typical = median(abs);
  if (unit.per === 'kWh' && typical > 2 * factor)
    throw new PriceDataError([
      `the prices look like per MWh (median ${median(ok.map((r) => Math.abs(r.price)))}) but the unit says ${unit.label}`,
    ]);
  if (unit.per === 'MWh' && ok.length >= 4 && Math.max(...abs) < 0.001 * factor)
    throw new PriceDataError([
      `the prices look like per kWh (largest ${Math.max(...ok.map((r) => Math.abs(r.price)))}) but the unit says ${unit.label}`,
    ]);

  const sorted = [...ok].sort((a, b) => a.start - b.start);
  const out: PricePoint[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    const price = r.price / unit.divisor;
    if (price < bounds.min || price > bounds.max)
      problems.push(
        `${r.row}: ${price.toFixed(4)} ${opts.currency}/kWh at ${iso(r.start)} is outside ${bounds.min} .. ${bounds.max}`,
      );
    const prev = sorted[i - 1];
    if (prev && r.start < prev.end)
      problems.push(`overlap: ${iso(r.start)} is priced twice (${prev.row} and ${r.row})`);
    else if (prev && r.start > prev.end)
      problems.push(`gap: no price from ${iso(prev.end)} to ${iso(r.start)}`);
    out.push({ start: r.start, end: r.end, price });
  }
  if (problems.length) throw new PriceDataError(problems);
  return out;
}
