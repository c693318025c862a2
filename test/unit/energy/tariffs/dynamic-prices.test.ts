import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTariffContext } from '../../../../main/core/energy/tariffs/context.ts';
import { parsePriceFile, parsePricePayload } from '../../../../main/core/energy/tariffs/dynamic/formats.ts';
import { ingestPriceFile, ingestPricePayload } from '../../../../main/core/energy/tariffs/dynamic/ingest.ts';
import { PriceStore } from '../../../../main/core/energy/tariffs/dynamic/price-store.ts';
import { PriceDataError } from '../../../../main/core/energy/tariffs/dynamic/validate.ts';
import { pricesForSlots } from '../../../../main/core/energy/tariffs/slots.ts';
import { HOUR, QUARTER, TZ, touTariff, touVersion } from './fixtures.ts';

const EUR = { currency: 'EUR' };

/** The message a refusal carries (and that it is a PriceDataError, not a crash). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PriceDataError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

/** Prices equal to 12 decimals (92.1 / 1000 is 0.09209999999999999 in binary floating point). */
function expectPrices(actual: Array<{ price: number }>, expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((p, i) => expect(p.price).toBeCloseTo(expected[i]!, 12));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ENTSO-E legacy export of one local day, prices 50, 51, ... EUR/MWh. */
function entsoeDay(day: string, hours: number[], extra: string[] = []): string {
  const [y, m, d] = day.split('-');
  const rows = hours.map((h, i) => {
    const next = h + 1;
    const end = next === 24 ? `${pad(+d! + 1)}.${m}.${y} 00:00` : `${d}.${m}.${y} ${pad(next)}:00`;
    return `"${d}.${m}.${y} ${pad(h)}:00 - ${end}","${50 + i}.00"`;
  });
  return ['"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]"', ...rows, ...extra].join('\r\n');
}

describe('ENTSO-E Transparency Platform CSV export', () => {
  it('an ordinary day: 24 hourly prices, CET local times, converted from EUR/MWh to EUR/kWh', () => {
    const r = parsePriceFile(entsoeDay('2024-01-16', [...Array(24).keys()]), EUR);
    expect(r.format).toBe('entsoe-csv');
    expect(r.unit).toBe('EUR/MWh');
    expect(r.points).toHaveLength(24);
    expect(r.points[0]).toEqual({
      start: Date.parse('2024-01-15T23:00Z'),
      end: Date.parse('2024-01-16T00:00Z'),
      price: 0.05,
    });
    expect(r.points[23]!.end).toBe(Date.parse('2024-01-16T23:00Z'));
  });

  it('the fall-back day has 25 rows: the repeated 02:00 hour is summer time first, then winter time', () => {
    const hours = [0, 1, 2, 2, ...Array.from({ length: 21 }, (_, i) => i + 3)];
    const r = parsePriceFile(entsoeDay('2024-10-27', hours), EUR);
    expect(r.points).toHaveLength(25);
    expect(r.points[2]!.start).toBe(Date.parse('2024-10-27T00:00Z')); // 02:00 CEST
    expect(r.points[3]!.start).toBe(Date.parse('2024-10-27T01:00Z')); // 02:00 CET
    for (let i = 1; i < 25; i++) expect(r.points[i]!.start).toBe(r.points[i - 1]!.end);
  });

  it('the spring-forward day has 23 rows and is contiguous in UTC', () => {
    const hours = [0, 1, ...Array.from({ length: 21 }, (_, i) => i + 3)];
    const text = entsoeDay('2024-03-31', hours).replace(
      '31.03.2024 01:00 - 31.03.2024 02:00',
      '31.03.2024 01:00 - 31.03.2024 03:00',
    );
    const r = parsePriceFile(text, EUR);
    expect(r.points).toHaveLength(23);
    expect(r.points[1]!.end - r.points[1]!.start).toBe(HOUR);
    expect(r.points[2]!.start).toBe(Date.parse('2024-03-31T01:00Z')); // 03:00 CEST
  });

  it('explicit (CEST)/(CET) labels place the repeated hour, whatever the row order', () => {
    const text = [
      '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]"',
      '"27.10.2024 02:00 - 27.10.2024 03:00 (CET)","70"',
      '"27.10.2024 02:00 - 27.10.2024 03:00 (CEST)","60"',
    ].join('\n');
    const r = parsePriceFile(text, EUR);
    expect(r.points.map((p) => [new Date(p.start).toISOString(), p.price])).toEqual([
      ['2024-10-27T00:00:00.000Z', 0.06],
      ['2024-10-27T01:00:00.000Z', 0.07],
    ]);
  });

  it('the new platform layout: 15-minute MTUs, Area and Sequence columns, seconds in the times', () => {
    const rows = ['"MTU (CET/CEST)","Area","Sequence","Day-ahead Price (EUR/MWh)"'];
    for (let q = 0; q < 8; q++) {
      const t = (min: number) => `01/10/2025 ${pad(Math.floor(min / 60))}:${pad(min % 60)}:00`;
      rows.push(
        `"${t(q * 15)} - ${t(q * 15 + 15)}","BZN|DE-LU","Sequence Sequence 1","${(80 + q).toFixed(2)}"`,
      );
      rows.push(`"${t(q * 15)} - ${t(q * 15 + 15)}","BZN|DE-LU","Sequence Sequence 2","999.00"`);
    }
    const r = parsePriceFile(rows.join('\n'), EUR);
    expect(r.points).toHaveLength(8);
    expect(r.points[0]).toEqual({
      start: Date.parse('2025-09-30T22:00Z'),
      end: Date.parse('2025-09-30T22:15Z'),
      price: 0.08,
    });
    expect(r.points[7]!.price).toBeCloseTo(0.087, 12);
  });

  it('semicolon-separated with decimal commas, and UTC exports', () => {
    const text = [
      'MTU (UTC);Day-ahead Price [EUR/MWh]',
      '16.01.2024 00:00 - 16.01.2024 01:00;-5,17',
      '16.01.2024 01:00 - 16.01.2024 02:00;12,5',
    ].join('\n');
    const r = parsePriceFile(text, EUR);
    expect(r.points).toEqual([
      { start: Date.parse('2024-01-16T00:00Z'), end: Date.parse('2024-01-16T01:00Z'), price: -0.00517 },
      { start: Date.parse('2024-01-16T01:00Z'), end: Date.parse('2024-01-16T02:00Z'), price: 0.0125 },
    ]);
  });

  it('"n/e" at the end (not yet published) is skipped; inside the file it is a gap and refused', () => {
    const withTail = entsoeDay(
      '2024-01-16',
      [0, 1, 2],
      ['"16.01.2024 03:00 - 16.01.2024 04:00","n/e"', '"16.01.2024 04:00 - 16.01.2024 05:00",""'],
    );
    const r = parsePriceFile(withTail, EUR);
    expect(r.points).toHaveLength(3);
    expect(r.skipped).toBe(2);
    const hole = entsoeDay('2024-01-16', [0, 1, 2]).replace('"51.00"', '"n/e"');
    expect(refusal(() => parsePriceFile(hole, EUR))).toBe(
      'row 3: no price ("n/e" or empty) between published prices: a gap',
    );
  });

  it('files that are not price exports are refused with what was found', () => {
    expect(refusal(() => parsePriceFile('"Time (CET/CEST)","Actual Total Load [MW]"\n"x","1"', EUR))).toMatch(
      /not an ENTSO-E day-ahead price export.*"Actual Total Load \[MW\]"/,
    );
    expect(refusal(() => parsePriceFile('"MTU (XYZ)","Day-ahead Price [EUR/MWh]"\n', EUR))).toMatch(
      /names no time zone/,
    );
    expect(
      refusal(() => parsePriceFile('"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]"\n"yesterday","5"', EUR)),
    ).toMatch(/row 2: "yesterday" is not a time range/);
  });
});

describe('JSON formats', () => {
  const h = (iso: string) => Date.parse(iso);

  it('aWATTar marketdata (Eur/MWh, epoch ms)', () => {
    const json = {
      object: 'list',
      data: [
        {
          start_timestamp: h('2024-01-16T00:00Z'),
          end_timestamp: h('2024-01-16T01:00Z'),
          marketprice: 92.1,
          unit: 'Eur/MWh',
        },
        {
          start_timestamp: h('2024-01-16T01:00Z'),
          end_timestamp: h('2024-01-16T02:00Z'),
          marketprice: 88.6,
          unit: 'Eur/MWh',
        },
      ],
      url: '/at/v1/marketdata',
    };
    const r = parsePricePayload(JSON.stringify(json), EUR);
    expect(r.format).toBe('awattar');
    expectPrices(r.points, [0.0921, 0.0886]);
  });

  it('Tibber priceInfo (today + tomorrow, energy before tax, ends from the next start)', () => {
    const row = (iso: string, energy: number) => ({
      total: energy + 0.1,
      energy,
      tax: 0.1,
      startsAt: iso,
      currency: 'EUR',
    });
    const json = {
      data: {
        viewer: {
          homes: [
            {
              currentSubscription: {
                priceInfo: {
                  today: [
                    row('2024-01-16T22:00:00.000+01:00', 0.21),
                    row('2024-01-16T23:00:00.000+01:00', 0.2),
                  ],
                  tomorrow: [row('2024-01-17T00:00:00.000+01:00', 0.19)],
                },
              },
            },
          ],
        },
      },
    };
    const r = parsePricePayload(JSON.stringify(json), EUR);
    expect(r.format).toBe('tibber');
    expect(r.points).toEqual([
      { start: h('2024-01-16T21:00Z'), end: h('2024-01-16T22:00Z'), price: 0.21 },
      { start: h('2024-01-16T22:00Z'), end: h('2024-01-16T23:00Z'), price: 0.2 },
      { start: h('2024-01-16T23:00Z'), end: h('2024-01-17T00:00Z'), price: 0.19 },
    ]);
  });

  it('Nord Pool data portal: one area picked out of several', () => {
    const json = {
      deliveryDateCET: '2024-01-16',
      currency: 'SEK',
      multiAreaEntries: [
        {
          deliveryStart: '2024-01-15T23:00:00Z',
          deliveryEnd: '2024-01-16T00:00:00Z',
          entryPerArea: { SE3: 812.5, SE4: 1020.1 },
        },
        {
          deliveryStart: '2024-01-16T00:00:00Z',
          deliveryEnd: '2024-01-16T01:00:00Z',
          entryPerArea: { SE3: 790.0, SE4: 990.0 },
        },
      ],
    };
    expect(refusal(() => parsePricePayload(JSON.stringify(json), { currency: 'SEK' }))).toMatch(
      /several areas \(SE3, SE4\): pick one/,
    );
    const r = parsePricePayload(JSON.stringify(json), { currency: 'SEK', area: 'SE4' });
    expect(r.points.map((p) => p.price)).toEqual([1.0201, 0.99]);
    expect(refusal(() => parsePricePayload(JSON.stringify(json), { currency: 'EUR', area: 'SE4' }))).toBe(
      'the prices are in SEK, the tariff is in EUR',
    );
  });

  it('Octopus unit rates (p/kWh, newest first) are sorted and converted to GBP/kWh', () => {
    const json = {
      count: 2,
      results: [
        {
          value_exc_vat: 21.0,
          value_inc_vat: 22.05,
          valid_from: '2024-01-16T00:30:00Z',
          valid_to: '2024-01-16T01:00:00Z',
        },
        {
          value_exc_vat: 20.0,
          value_inc_vat: 21.0,
          valid_from: '2024-01-16T00:00:00Z',
          valid_to: '2024-01-16T00:30:00Z',
        },
      ],
    };
    const r = parsePricePayload(JSON.stringify(json), { currency: 'GBP' });
    expect(r.points.map((p) => p.price)).toEqual([0.2, 0.21]);
  });

  it('generic {start, end, price} with the unit in the payload or given by the caller', () => {
    const prices = [
      { start: '2024-01-16T00:00:00+01:00', end: '2024-01-16T00:15:00+01:00', price: 12.3 },
      { start: '2024-01-16T00:15:00+01:00', end: '2024-01-16T00:30:00+01:00', value: 11.9 },
    ];
    expectPrices(parsePricePayload(JSON.stringify({ unit: 'ct/kWh', prices }), EUR).points, [0.123, 0.119]);
    expect(parsePricePayload(JSON.stringify(prices), { ...EUR, unit: 'ct/kWh' }).points).toHaveLength(2);
    expect(refusal(() => parsePricePayload(JSON.stringify(prices), EUR))).toMatch(/names no unit/);
  });
});

describe('hostile and broken price data is refused with a reason, naming the row', () => {
  const start = Date.parse('2024-01-16T00:00Z');
  const gen = (n: number, f: (i: number) => object) =>
    JSON.stringify({ unit: 'EUR/MWh', prices: Array.from({ length: n }, (_, i) => f(i)) });
  const hourly = (i: number, price: unknown = 50) => ({
    start: start + i * HOUR,
    end: start + (i + 1) * HOUR,
    price,
  });

  it('gaps and overlaps', () => {
    expect(
      refusal(() =>
        parsePricePayload(
          gen(3, (i) => hourly(i === 2 ? 3 : i)),
          EUR,
        ),
      ),
    ).toBe('gap: no price from 2024-01-16T02:00Z to 2024-01-16T03:00Z');
    expect(
      refusal(() =>
        parsePricePayload(
          gen(3, (i) => hourly(i === 2 ? 1 : i)),
          EUR,
        ),
      ),
    ).toBe('overlap: 2024-01-16T01:00Z is priced twice (prices[1] and prices[2])');
  });

  it('NaN, Infinity, strings and missing prices', () => {
    const text = gen(4, (i) => hourly(i, [50, 'NaN', null, 'abc'][i]));
    expect(refusal(() => parsePricePayload(text, EUR))).toBe(
      'prices[1]: the price is not a number (NaN); prices[2]: the price is not a number (NaN); prices[3]: the price is not a number (NaN)',
    );
    const inf = `{"unit":"EUR/MWh","prices":[{"start":${start},"end":${start + HOUR},"price":1e400}]}`;
    expect(refusal(() => parsePricePayload(inf, EUR))).toBe(
      'prices[0]: the price is not a number (Infinity)',
    );
  });

  it('absurd values and wrong units', () => {
    expect(
      refusal(() =>
        parsePricePayload(
          gen(4, (i) => hourly(i, i === 3 ? 99_999 : 50)),
          EUR,
        ),
      ),
    ).toBe('prices[3]: 99.9990 EUR/kWh at 2024-01-16T03:00Z is outside -1 .. 5');
    // per-MWh numbers labelled per kWh
    const mislabelled = JSON.stringify({
      unit: 'EUR/kWh',
      prices: Array.from({ length: 4 }, (_, i) => hourly(i, 85.2)),
    });
    expect(refusal(() => parsePricePayload(mislabelled, EUR))).toBe(
      'the prices look like per MWh (median 85.2) but the unit says EUR/kWh',
    );
    // per-kWh numbers labelled per MWh
    const tiny = JSON.stringify({
      unit: 'EUR/MWh',
      prices: Array.from({ length: 4 }, (_, i) => hourly(i, 0.31)),
    });
    expect(refusal(() => parsePricePayload(tiny, EUR))).toBe(
      'the prices look like per kWh (largest 0.31) but the unit says EUR/MWh',
    );
    expect(refusal(() => parsePricePayload(JSON.stringify({ unit: 'EUR/kW', prices: [] }), EUR))).toMatch(
      /not a price per kWh or MWh/,
    );
  });

  it('times without a UTC offset, odd market time units, years out of range', () => {
    const local = JSON.stringify({
      unit: 'EUR/MWh',
      prices: [{ start: '2024-01-16T00:00:00', end: '2024-01-16T01:00:00', price: 5 }],
    });
    expect(refusal(() => parsePricePayload(local, EUR))).toBe('prices[0]: the time is not a valid instant');
    expect(
      refusal(() =>
        parsePricePayload(
          gen(1, () => ({ start, end: start + 7 * 60_000, price: 5 })),
          EUR,
        ),
      ),
    ).toBe('prices[0]: a market time unit of 7 minutes (expected 15, 30, 60)');
    expect(
      refusal(() =>
        parsePricePayload(
          gen(1, () => ({ start: 0, end: HOUR, price: 5 })),
          EUR,
        ),
      ),
    ).toMatch(/outside 2000-2100/);
  });

  it('oversized, binary, non-JSON and unknown payloads', () => {
    expect(refusal(() => parsePricePayload(new Uint8Array(1_000_001), EUR))).toMatch(/at most 1000000/);
    expect(refusal(() => parsePricePayload(new Uint8Array([0xff, 0xfe, 0x00]), EUR))).toBe(
      'the payload is not UTF-8 text',
    );
    expect(refusal(() => parsePricePayload('{"prices": [', EUR))).toMatch(/^not JSON/);
    expect(refusal(() => parsePricePayload('{"hello": "world"}', EUR))).toMatch(
      /not a price format Truss reads/,
    );
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect(refusal(() => parsePricePayload(deep, EUR))).toMatch(/names no unit/);
  });
});

describe('price store (SQLite) and MQTT payloads', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  const day = Date.parse('2024-01-15T23:00Z'); // local midnight 16 Jan
  const quarterPayload = (price: number, n = 8) =>
    JSON.stringify({
      unit: 'EUR/MWh',
      prices: Array.from({ length: n }, (_, i) => ({
        start: day + i * QUARTER,
        end: day + (i + 1) * QUARTER,
        price: price + i,
      })),
    });

  it('stores a payload, replaces a corrected one, keeps it across reopening, and a tariff prices from it', () => {
    dir = mkdtempSync(join(tmpdir(), 'truss-prices-'));
    const file = join(dir, 'truss.db');
    let store = new PriceStore(file);
    const first = ingestPricePayload(store, 'epex-de', 'prices/epex', quarterPayload(100), EUR);
    expect(first).toMatchObject({ ok: true, format: 'generic-json', saved: { count: 8, replaced: 0 } });
    const again = ingestPricePayload(store, 'epex-de', 'prices/epex', quarterPayload(200, 4), EUR);
    expect(again).toMatchObject({ ok: true, saved: { count: 4, replaced: 4 } });
    store.close();

    store = new PriceStore(file);
    expect(store.segments('epex-de', day, day + 2 * HOUR).map((p) => p.price)).toEqual([
      0.2, 0.201, 0.202, 0.203, 0.104, 0.105, 0.106, 0.107,
    ]);
    expect(store.knownUntil('epex-de')).toBe(day + 2 * HOUR);
    expect(store.segments('other', day, day + HOUR)).toEqual([]);

    const ctx = createTariffContext({
      tariff: touTariff({
        versions: [touVersion({ dynamic: { series: 'epex-de', import: { adder: 0.1 } } })],
      }),
      timezone: TZ,
      prices: store,
    });
    const p = pricesForSlots(ctx, [day, day + 2 * HOUR], QUARTER);
    expect(p.importPrice[0]).toBeCloseTo((0.2 + 0.1 + 0.02) * 1.19, 12);
    expect(p.dynamicShare).toEqual([1, 0]);
    expect(p.importPrice[1]).toBeCloseTo((0.2 + 0.02) * 1.19, 12); // night band: no price known at 02:00
    store.close();
  });

  it('a refused payload or file changes nothing and says why', () => {
    dir = mkdtempSync(join(tmpdir(), 'truss-prices-'));
    const store = new PriceStore(join(dir, 'truss.db'));
    ingestPricePayload(store, 'epex-de', 't', quarterPayload(100), EUR);
    const bad = JSON.parse(quarterPayload(100)) as { prices: Array<{ price: unknown }> };
    bad.prices[3]!.price = 'NaN';
    const r = ingestPricePayload(store, 'epex-de', 't', JSON.stringify(bad), EUR);
    expect(r).toEqual({
      ok: false,
      error: 'prices[3]: the price is not a number (NaN)',
      problems: ['prices[3]: the price is not a number (NaN)'],
    });
    const f = ingestPriceFile(store, 'epex-de', 'x.csv', 'a,b\n1,2', EUR);
    expect(f.ok).toBe(false);
    expect(store.segments('epex-de', day, day + 2 * HOUR).map((p) => p.price)).toEqual([
      0.1, 0.101, 0.102, 0.103, 0.104, 0.105, 0.106, 0.107,
    ]);
    store.close();
  });
});
