import { instantsOfLocalTime } from '../local-calendar.ts';
import type { PricePoint } from './price-series.ts';
import {
  type PriceUnit,
  PriceDataError,
  type RawPrice,
  parsePriceUnit,
  validatePricePoints,
} from './validate.ts';

/**
 * Day-ahead price files and payloads in the formats users actually have:
 *
 * - `entsoe-csv`: the ENTSO-E Transparency Platform's "Day-ahead Prices" CSV export. The time column
 *   ("MTU (CET/CEST)", "MTU (UTC)", older "Time (...)") holds "dd.mm.yyyy HH:MM - dd.mm.yyyy HH:MM"
 *   (or "dd/mm/yyyy HH:MM:SS - ..."), optionally followed by "(CET)"/"(CEST)"; the price column is
 *   "Day-ahead Price [EUR/MWh]" (or "(EUR/MWh)"). Local times are placed with the zone in the header
 *   (CET/CEST = Europe/Brussels clock); in the repeated hour of a fall-back day the first row is
 *   summer time unless the row says "(CET)". "n/e" or empty prices at the start or end (not yet
 *   published) are skipped; inside the file they are a gap and refused. Where a "Sequence" column
 *   exists, rows of the first sequence are used. Comma, semicolon or tab separated.
 * - `awattar`: aWATTar's marketdata JSON `{"data":[{"start_timestamp","end_timestamp","marketprice","unit"}]}`.
 * - `tibber`: Tibber's GraphQL `priceInfo` (`today`/`tomorrow` arrays of `{startsAt, energy, total}`), the
 *   whole response or any part of it. `energy` (spot + Tibber's margin, before tax) is used where present,
 *   else `total`. Ends are the next start (the last one: the spacing before it). Unit: currency per kWh.
 * - `nordpool`: Nord Pool's data portal JSON `{"currency","multiAreaEntries":[{deliveryStart, deliveryEnd,
 *   entryPerArea:{SE3: 12.3}}]}` in currency per MWh; `area` picks the bidding zone when there are several.
 * - `octopus`: Octopus Energy's unit-rates JSON `{"results":[{valid_from, valid_to, value_exc_vat}]}` in p/kWh.
 * - `generic-json`: `[{start, end, price}]` (or `value` for price) or `{unit, prices: [...]}`; times as ISO 8601
 *   with a UTC offset or epoch milliseconds. The unit comes from the payload's `unit` or the `unit` option.
 *
 * Every format goes through `validatePricePoints`: gaps, overlaps, NaN, absurd values and unit
 * mistakes are refused with a message naming the row.
 */
export type PriceFormat = 'entsoe-csv' | 'awattar' | 'tibber' | 'nordpool' | 'octopus' | 'generic-json';

export interface PriceParseOptions {
  /** the tariff's currency */
  currency: string;
  /** unit for a generic payload that names none, e.g. "EUR/kWh" */
  unit?: string;
  /** IANA zone for an ENTSO-E file whose header names none it knows */
  timezone?: string;
  /** Nord Pool bidding zone */
  area?: string;
  bounds?: { min: number; max: number };
}

export interface ParsedPrices {
  format: PriceFormat;
  unit: string;
  points: PricePoint[];
  /** rows skipped as not yet published (leading/trailing "n/e") */
  skipped: number;
}

export const MAX_PRICE_FILE_BYTES = 8_000_000;
export const MAX_PRICE_PAYLOAD_BYTES = 1_000_000;

/** Reads a price file's text (CSV or JSON, detected). Throws PriceDataError with reasons. */
export function parsePriceFile(text: string, opts: PriceParseOptions): ParsedPrices {
  if (text.length > MAX_PRICE_FILE_BYTES)
    throw new PriceDataError([`the file is larger than ${MAX_PRICE_FILE_BYTES / 1e6} MB`]);
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('{') || body.startsWith('[')) return parseJsonPrices(body, opts);
  return parseEntsoeCsv(body, opts);
}

/** Reads an MQTT payload (JSON, any of the JSON formats above). */
export function parsePricePayload(payload: Uint8Array | string, opts: PriceParseOptions): ParsedPrices {
  const size = typeof payload === 'string' ? payload.length : payload.byteLength;
  if (size > MAX_PRICE_PAYLOAD_BYTES)
    throw new PriceDataError([`the payload is ${size} bytes; at most ${MAX_PRICE_PAYLOAD_BYTES}`]);
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    throw new PriceDataError(['the payload is not UTF-8 text']);
  }
  return parseJsonPrices(text.trim(), opts);
}

// ---- JSON --------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** ISO 8601 with an offset, or epoch ms (or seconds, below 1e11). NaN otherwise. */
function instant(x: unknown): number {
  if (typeof x === 'number') return Number.isFinite(x) ? (Math.abs(x) < 1e11 ? x * 1000 : x) : NaN;
  if (typeof x === 'string' && ISO_INSTANT.test(x.trim())) return Date.parse(x.trim().replace(' ', 'T'));
  return NaN;
}

/** A number, or a numeric string; NaN (so validation names it) otherwise. */
function num(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(x)) return Number(x);
  return NaN;
}

function parseJsonPrices(text: string, opts: PriceParseOptions): ParsedPrices {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PriceDataError([`not JSON: ${(err as Error).message}`]);
  }
  const found = locate(json, opts);
  const points = validatePricePoints(found.rows, {
    unit: found.unit,
    currency: opts.currency,
    ...(opts.bounds ? { bounds: opts.bounds } : {}),
  });
  return { format: found.format, unit: found.unit.label, points, skipped: 0 };
}

function unitFrom(text: unknown, fallback: string | undefined, where: string): PriceUnit {
  if (typeof text === 'string') return parsePriceUnit(text);
  if (fallback) return parsePriceUnit(fallback);
  throw new PriceDataError([`${where} names no unit: give one (e.g. EUR/kWh or EUR/MWh)`]);
}

function locate(
  json: unknown,
  opts: PriceParseOptions,
): { format: PriceFormat; unit: PriceUnit; rows: RawPrice[] } {
  // aWATTar
  if (isObj(json) && Array.isArray(json.data) && json.data.some((r) => isObj(r) && 'marketprice' in r)) {
    const data = json.data as unknown[];
    const units = new Set(data.map((r) => (isObj(r) ? r.unit : undefined)).filter((u) => u !== undefined));
    if (units.size > 1) throw new PriceDataError([`the rows mix units (${[...units].join(', ')})`]);
    return {
      format: 'awattar',
      unit: unitFrom([...units][0], opts.unit, 'the aWATTar data'),
      rows: data.map((r, i) => {
        const o = isObj(r) ? r : {};
        return {
          start: instant(o.start_timestamp),
          end: instant(o.end_timestamp),
          price: num(o.marketprice),
          row: `data[${i}]`,
        };
      }),
    };
  }
  // Nord Pool data portal
  if (isObj(json) && Array.isArray(json.multiAreaEntries)) {
    const entries = json.multiAreaEntries as unknown[];
    const areas = new Set<string>();
    for (const e of entries)
      if (isObj(e) && isObj(e.entryPerArea)) for (const a of Object.keys(e.entryPerArea)) areas.add(a);
    const area = opts.area ?? (areas.size === 1 ? [...areas][0] : undefined);
    if (!area || !areas.has(area))
      throw new PriceDataError([
        opts.area
          ? `area "${opts.area}" is not in the data (areas: ${[...areas].join(', ')})`
          : `the data holds several areas (${[...areas].join(', ')}): pick one`,
      ]);
    const currency = typeof json.currency === 'string' ? json.currency : opts.currency;
    return {
      format: 'nordpool',
      unit: parsePriceUnit(`${currency}/MWh`),
      rows: entries.map((e, i) => {
        const o = isObj(e) ? e : {};
        const per = isObj(o.entryPerArea) ? o.entryPerArea : {};
        return {
          start: instant(o.deliveryStart),
          end: instant(o.deliveryEnd),
          price: num(per[area]),
          row: `multiAreaEntries[${i}]`,
        };
      }),
    };
  }
  // Octopus unit rates
  if (isObj(json) && Array.isArray(json.results) && json.results.some((r) => isObj(r) && 'valid_from' in r)) {
    return {
      format: 'octopus',
      unit: parsePriceUnit('p/kWh'),
      rows: (json.results as unknown[]).map((r, i) => {
        const o = isObj(r) ? r : {};
        return {
          start: instant(o.valid_from),
          end: instant(o.valid_to),
          price: num(o.value_exc_vat),
          row: `results[${i}]`,
        };
      }),
    };
  }
  // Tibber priceInfo, anywhere in the response
  const tibber = findTibber(json);
  if (tibber) return tibberRows(tibber, opts);
  // generic
  const list = Array.isArray(json)
    ? json
    : isObj(json) && Array.isArray(json.prices)
      ? json.prices
      : isObj(json) && Array.isArray(json.data)
        ? json.data
        : null;
  if (!list)
    throw new PriceDataError([
      'not a price format Truss reads (ENTSO-E CSV, aWATTar, Tibber, Nord Pool, Octopus, or [{start, end, price}])',
    ]);
  return {
    format: 'generic-json',
    unit: unitFrom(isObj(json) ? json.unit : undefined, opts.unit, 'the payload'),
    rows: list.map((r, i) => {
      const o = isObj(r) ? r : {};
      return {
        start: instant(o.start),
        end: instant(o.end),
        price: num(o.price ?? o.value),
        row: `prices[${i}]`,
      };
    }),
  };
}

function findTibber(json: unknown, depth = 0): Obj[] | null {
  if (depth > 8) return null;
  if (Array.isArray(json)) {
    if (json.length > 0 && json.every((r) => isObj(r) && 'startsAt' in r)) return json as Obj[];
    for (const x of json.slice(0, 20)) {
      const f = findTibber(x, depth + 1);
      if (f) return f;
    }
    return null;
  }
  if (!isObj(json)) return null;
  if (Array.isArray(json.today) || Array.isArray(json.tomorrow)) {
    const rows = [
      ...(Array.isArray(json.today) ? json.today : []),
      ...(Array.isArray(json.tomorrow) ? json.tomorrow : []),
    ];
    if (rows.every((r) => isObj(r) && 'startsAt' in r)) return rows as Obj[];
  }
  for (const v of Object.values(json)) {
    const f = findTibber(v, depth + 1);
    if (f) return f;
  }
  return null;
}

function tibberRows(
  rows: Obj[],
  opts: PriceParseOptions,
): { format: PriceFormat; unit: PriceUnit; rows: RawPrice[] } {
  const starts = rows.map((r) => instant(r.startsAt));
  const order = starts.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]!);
  const currencies = new Set(rows.map((r) => r.currency).filter((c) => typeof c === 'string'));
  const currency = currencies.size === 1 ? ([...currencies][0] as string) : opts.currency;
  const out: RawPrice[] = [];
  order.forEach((idx, k) => {
    const r = rows[idx]!;
    const start = starts[idx]!;
    const next = order[k + 1] !== undefined ? starts[order[k + 1]!]! : NaN;
    const prev = k > 0 ? starts[order[k - 1]!]! : NaN;
    const end = Number.isFinite(next)
      ? next
      : Number.isFinite(prev)
        ? start + (start - prev)
        : start + 3_600_000;
    out.push({ start, end, price: num('energy' in r ? r.energy : r.total), row: `priceInfo[${idx}]` });
  });
  return { format: 'tibber', unit: parsePriceUnit(`${currency}/kWh`), rows: out };
}

// ---- ENTSO-E CSV -------------------------------------------------------------------------------

/** RFC 4180 fields: quotes, doubled quotes, CRLF. */
export function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

const ZONE_LABELS: Record<string, string> = {
  'CET/CEST': 'Europe/Brussels',
  'EET/EEST': 'Europe/Helsinki',
  'WET/WEST': 'Europe/Lisbon',
  'GMT/BST': 'Europe/London',
  UTC: 'UTC',
  CET: 'Europe/Brussels',
};

const TIME_RANGE =
  /^(\d{2})[./](\d{2})[./](\d{4}) (\d{2}):(\d{2})(?::\d{2})?\s*-\s*(\d{2})[./](\d{2})[./](\d{4}) (\d{2}):(\d{2})(?::\d{2})?\s*(?:\((CET|CEST|EET|EEST|WET|WEST|GMT|BST|UTC|[A-Z/]+)\))?$/;
const MISSING = new Set(['', 'n/e', 'n/a', '-', 'na', 'null']);
const SUMMER = new Set(['CEST', 'EEST', 'WEST', 'BST']);

function parseEntsoeCsv(text: string, opts: PriceParseOptions): ParsedPrices {
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  const sep = [',', ';', '\t'].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0]!;
  const rows = parseCsv(text, sep);
  const header = rows[0]?.map((h) => h.trim()) ?? [];
  const timeCol = header.findIndex((h) => /^(MTU|Time)\b/i.test(h));
  const priceCol = header.findIndex((h) => /price/i.test(h));
  if (timeCol < 0 || priceCol < 0)
    throw new PriceDataError([
      `not an ENTSO-E day-ahead price export: the header needs an "MTU (...)" and a "Day-ahead Price [EUR/MWh]" column (found ${header
        .slice(0, 6)
        .map((h) => `"${h.slice(0, 30)}"`)
        .join(', ')})`,
    ]);
  const zoneLabel = /\(([^)]+)\)/.exec(header[timeCol]!)?.[1]?.trim();
  const timezone = (zoneLabel && ZONE_LABELS[zoneLabel]) ?? opts.timezone;
  if (!timezone)
    throw new PriceDataError([
      `the time column "${header[timeCol]}" names no time zone Truss knows: give the file's time zone`,
    ]);
  const unitText = /[[(]([^\])]*\/\s*[kM]Wh)[\])]/i.exec(header[priceCol]!)?.[1] ?? opts.unit;
  if (!unitText)
    throw new PriceDataError([`the price column "${header[priceCol]}" names no unit (e.g. [EUR/MWh])`]);
  const unit = parsePriceUnit(unitText);
  const seqCol = header.findIndex((h) => /^sequence$/i.test(h));
  const firstSeq =
    seqCol >= 0
      ? rows
          .slice(1)
          .find((r) => (r[seqCol] ?? '').trim() !== '')
          ?.[seqCol]?.trim()
      : undefined;

  const problems: string[] = [];
  const parsed: Array<RawPrice | null> = [];
  const labels: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i]!;
    if (
      seqCol >= 0 &&
      firstSeq !== undefined &&
      (r[seqCol] ?? '').trim() !== '' &&
      r[seqCol]!.trim() !== firstSeq
    )
      continue;
    const label = `row ${i + 1}`;
    const m = TIME_RANGE.exec((r[timeCol] ?? '').trim());
    if (!m) {
      problems.push(
        `${label}: "${(r[timeCol] ?? '').slice(0, 50)}" is not a time range like "01.01.2024 00:00 - 01.01.2024 01:00"`,
      );
      continue;
    }
    const [, d1, mo1, y1, h1, mi1, d2, mo2, y2, h2, mi2, tag] = m as unknown as string[];
    const date = `${y1}-${mo1}-${d1}`;
    const naiveStart = Date.UTC(+y1!, +mo1! - 1, +d1!, +h1!, +mi1!);
    const naiveEnd = Date.UTC(+y2!, +mo2! - 1, +d2!, +h2!, +mi2!);
    const candidates = instantsOfLocalTime(date, +h1!, +mi1!, timezone);
    const key = `${date} ${h1}:${mi1}`;
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    let start: number | undefined;
    if (candidates.length === 2 && tag && tag !== 'UTC')
      start = SUMMER.has(tag) ? candidates[0] : candidates[1];
    else start = candidates[Math.min(nth, candidates.length - 1)];
    if (start === undefined) {
      problems.push(`${label}: ${key} does not exist in ${timezone} (skipped by the DST change)`);
      continue;
    }
    const rawPrice = (r[priceCol] ?? '').trim();
    labels.push(label);
    if (MISSING.has(rawPrice.toLowerCase())) {
      parsed.push(null);
      continue;
    }
    const price = num(sep === ';' ? rawPrice.replace(',', '.') : rawPrice);
    // The end's naive duration is right except on a spring-forward day ("01:00 - 03:00" is one
    // hour); the end's instant is right except where the end is the repeated hour's: take the shorter.
    const endAt = instantsOfLocalTime(`${y2}-${mo2}-${d2}`, +h2!, +mi2!, timezone).find((t) => t > start);
    const duration = Math.min(naiveEnd - naiveStart, endAt === undefined ? Infinity : endAt - start);
    parsed.push({ start, end: start + duration, price, row: label });
  }
  if (problems.length) throw new PriceDataError(problems);
  // not yet published at either end: skipped; missing in the middle: a gap, refused
  let a = 0;
  let b = parsed.length;
  while (a < b && parsed[a] === null) a++;
  while (b > a && parsed[b - 1] === null) b--;
  const inner = parsed.slice(a, b);
  const holes = inner.map((p, i) => (p === null ? i + a : -1)).filter((i) => i >= 0);
  if (holes.length)
    throw new PriceDataError(
      holes.slice(0, 5).map((i) => `${labels[i]}: no price ("n/e" or empty) between published prices: a gap`),
    );
  const points = validatePricePoints(inner as RawPrice[], {
    unit,
    currency: opts.currency,
    ...(opts.bounds ? { bounds: opts.bounds } : {}),
  });
  return { format: 'entsoe-csv', unit: unit.label, points, skipped: parsed.length - inner.length };
}
