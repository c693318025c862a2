import { describe, expect, it } from 'vitest';
import { billingPeriodAt } from '../../../../main/core/energy/tariffs/billing.ts';
import { createTariffContext } from '../../../../main/core/energy/tariffs/context.ts';
import { costByDay, costByHour, costForBillingPeriod } from '../../../../main/core/energy/tariffs/cost.ts';
import { InMemoryPriceSource } from '../../../../main/core/energy/tariffs/dynamic/price-series.ts';
import {
  demandChargeForPlan,
  demandForSlots,
  pricesForSlots,
} from '../../../../main/core/energy/tariffs/slots.ts';
import { combineMeterIntervals } from '../../../../main/core/energy/tariffs/intervals.ts';
import { CounterRepair } from '../../../../main/core/energy/metering/repair.ts';
import { intervalEnergy } from '../../../../main/core/energy/metering/intervals.ts';
import { HOUR, QUARTER, TZ, berlin, constantIntervals, touTariff, touVersion } from './fixtures.ts';

const ctx = createTariffContext({ tariff: touTariff(), timezone: TZ });
/** all in: (energy + 0.02 levy) x 1.19 VAT */
const allIn = (p: number) => (p + 0.02) * 1.19;

describe('cost per hour and day on DST days (Europe/Berlin)', () => {
  it('spring forward, Sunday 2024-03-31: 23 hours, the skipped 02:00 hour is not priced', () => {
    const from = berlin('2024-03-31T00:00', 1);
    const to = berlin('2024-04-01T00:00', 2);
    expect((to - from) / HOUR).toBe(23);
    const iv = constantIntervals(from, to, 1);
    const hours = costByHour(ctx, iv, from, to);
    expect(hours).toHaveLength(23);
    // local hours 00, 01, 03 ... 23: 02:00 does not exist
    expect(hours[2]!.start).toBe(berlin('2024-03-31T03:00', 2));
    // night 22-06 at 0.20: 00, 01, 03, 04, 05 and 22, 23 = 7 h; weekend day rate 0.25 for 16 h
    const rates = hours.map((h) => Number(h.energyCost.toFixed(4)));
    expect(rates).toEqual([0.2, 0.2, 0.2, 0.2, 0.2, ...Array(16).fill(0.25), 0.2, 0.2]);
    const [day] = costByDay(ctx, iv, from, to);
    expect(day!.importKWh).toBeCloseTo(23, 9);
    expect(day!.energyCost).toBeCloseTo(7 * 0.2 + 16 * 0.25, 9); // 5.40
    expect(day!.levies).toBeCloseTo(23 * 0.02, 9); // 0.46
    // 0.50 per day + 12 per billing period spread over its 31 days (15 Mar - 15 Apr)
    expect(day!.fixedCharges).toBeCloseTo(0.5 + 12 / 31, 9);
    expect(day!.vat).toBeCloseTo(0.19 * (5.4 + 0.46 + 0.5 + 12 / 31), 9);
    expect(day!.total).toBeCloseTo(1.19 * (5.4 + 0.46 + 0.5 + 12 / 31), 9); // 8.0290
  });

  it('fall back, Sunday 2024-10-27: 25 hours, the repeated 02:00 hour is priced twice by the night band', () => {
    const from = berlin('2024-10-27T00:00', 2);
    const to = berlin('2024-10-28T00:00', 1);
    expect((to - from) / HOUR).toBe(25);
    const iv = constantIntervals(from, to, 1);
    const hours = costByHour(ctx, iv, from, to);
    expect(hours).toHaveLength(25);
    expect(hours[2]!.start).toBe(berlin('2024-10-27T02:00', 2));
    expect(hours[3]!.start).toBe(berlin('2024-10-27T02:00', 1));
    expect(hours[3]!.start - hours[2]!.start).toBe(HOUR);
    const rates = hours.map((h) => Number(h.energyCost.toFixed(4)));
    expect(rates).toEqual([...Array(7).fill(0.2), ...Array(16).fill(0.25), 0.2, 0.2]);
    const [day] = costByDay(ctx, iv, from, to);
    expect(day!.importKWh).toBeCloseTo(25, 9);
    expect(day!.energyCost).toBeCloseTo(9 * 0.2 + 16 * 0.25, 9); // 5.80
    // the period 15 Oct - 15 Nov has 31 days; one day's fixed charges however long the day is
    expect(day!.fixedCharges).toBeCloseTo(0.5 + 12 / 31, 9);
  });

  it('days are split at local midnight, not UTC midnight', () => {
    const from = berlin('2024-01-15T00:00', 1);
    const to = berlin('2024-01-17T00:00', 1);
    const days = costByDay(ctx, constantIntervals(from, to, 2), from, to);
    expect(days.map((d) => d.start)).toEqual([from, berlin('2024-01-16T00:00', 1)]);
    // Monday: 8 h night + 16 h day at 2 kW
    expect(days[0]!.energyCost).toBeCloseTo(2 * (8 * 0.2 + 16 * 0.35), 9);
  });
});

describe('bands', () => {
  it("a band across midnight prices the end of one day and the start of the next on each day's clock", () => {
    const slots: number[] = [];
    for (let t = berlin('2024-01-15T21:45', 1); t < berlin('2024-01-16T06:15', 1); t += QUARTER)
      slots.push(t);
    const p = pricesForSlots(ctx, slots, QUARTER);
    expect(p.band[0]).toBe('day'); // Monday 21:45
    expect(p.importPrice[0]).toBeCloseTo(allIn(0.35), 12);
    expect(p.band[1]).toBe('night'); // Monday 22:00
    expect(p.importPrice[1]).toBeCloseTo(allIn(0.2), 12);
    const midnight = slots.indexOf(berlin('2024-01-16T00:00', 1));
    expect(p.band[midnight]).toBe('night'); // Tuesday 00:00
    expect(p.band[slots.length - 2]).toBe('night'); // Tuesday 05:45
    expect(p.band[slots.length - 1]).toBe('day'); // Tuesday 06:00
    expect(p.exportPrice.every((x) => Math.abs(x - 0.08) < 1e-12)).toBe(true);
  });

  it('a band edge inside a slot gives the time-weighted price', () => {
    const v = touVersion();
    for (const s of v.seasons!) {
      s.bands[0]!.to = '06:10';
      s.bands[1]!.from = '06:10';
      s.bands[2]!.from = '06:10';
    }
    const c = createTariffContext({ tariff: touTariff({ versions: [v] }), timezone: TZ });
    const p = pricesForSlots(c, [berlin('2024-01-15T06:00', 1)], QUARTER);
    // 10 minutes night, 5 minutes day
    expect(p.importPrice[0]).toBeCloseTo((10 * allIn(0.2) + 5 * allIn(0.35)) / 15, 12);
  });

  it('a public holiday (1 May, a Wednesday) is priced by the holiday bands; the next day is not', () => {
    const noon = (d: string) => berlin(`${d}T12:00`, 2);
    const p = pricesForSlots(ctx, [noon('2024-05-01'), noon('2024-05-02')], HOUR);
    expect(p.band).toEqual(['weekend', 'day']);
    expect(p.importPrice[0]).toBeCloseTo(allIn(0.25), 12);
    expect(p.importPrice[1]).toBeCloseTo(allIn(0.3), 12);
  });

  it('explicit holiday dates count too, and without a country 1 May is a weekday', () => {
    const c = createTariffContext({
      tariff: touTariff({ versions: [touVersion({ holidays: { dates: ['2024-06-12'], country: null } })] }),
      timezone: TZ,
    });
    const p = pricesForSlots(c, [berlin('2024-05-01T12:00', 2), berlin('2024-06-12T12:00', 2)], HOUR);
    expect(p.band).toEqual(['day', 'weekend']);
  });

  it('regional holidays: Corpus Christi is a holiday in Bavaria, not in Berlin', () => {
    const at = berlin('2024-05-30T12:00', 2);
    const by = createTariffContext({
      tariff: touTariff({ versions: [touVersion({ holidays: { country: 'DE', region: 'BY' } })] }),
      timezone: TZ,
    });
    const be = createTariffContext({
      tariff: touTariff({ versions: [touVersion({ holidays: { country: 'DE', region: 'BE' } })] }),
      timezone: TZ,
    });
    expect(pricesForSlots(by, [at], HOUR).band).toEqual(['weekend']);
    expect(pricesForSlots(be, [at], HOUR).band).toEqual(['day']);
  });

  it('an unknown country or region is refused when the tariff is loaded, naming the field', () => {
    const bad = (holidays: object) => () =>
      createTariffContext({ tariff: touTariff({ versions: [touVersion({ holidays })] }), timezone: TZ });
    expect(bad({ country: 'XQ' })).toThrow(/versions\[0\]\.holidays\.country: "XQ"/);
    expect(bad({ country: 'DE', region: 'ZZ' })).toThrow(/holidays\.region: "ZZ" is not a region of DE/);
    expect(() => createTariffContext({ tariff: touTariff(), timezone: 'Mars/Olympus' })).toThrow(/timezone/);
  });
});

describe('billing periods and demand charges', () => {
  it('a billing period starting on the 15th runs from local midnight of the 15th to the next 15th', () => {
    const p = billingPeriodAt(ctx, berlin('2024-02-20T12:00', 1));
    expect(p).toMatchObject({ startDate: '2024-02-15', endDate: '2024-03-15', days: 29 });
    expect(p.start).toBe(Date.parse('2024-02-14T23:00:00Z'));
    expect(billingPeriodAt(ctx, berlin('2024-02-10T12:00', 1)).startDate).toBe('2024-01-15');
    expect(billingPeriodAt(ctx, berlin('2024-03-14T23:59', 1)).startDate).toBe('2024-02-15');
    expect(billingPeriodAt(ctx, berlin('2024-03-15T00:00', 1)).startDate).toBe('2024-03-15');
    // 15 Mar - 15 Apr crosses the spring DST change: 31 days, one hour short
    const q = billingPeriodAt(ctx, berlin('2024-04-01T12:00', 2));
    expect(q.end - q.start).toBe(31 * 24 * HOUR - HOUR);
  });

  it('a demand peak in the first quarter hour after midnight belongs to the period that starts then', () => {
    const from = berlin('2024-03-14T00:00', 1);
    const to = berlin('2024-03-16T00:00', 1);
    const iv = constantIntervals(from, to, 5).map((x) => {
      if (x.start === berlin('2024-03-14T23:45', 1)) return { ...x, importKWh: 20 / 4 }; // 20 kW
      if (x.start === berlin('2024-03-15T00:00', 1)) return { ...x, importKWh: 40 / 4 }; // 40 kW
      return x;
    });
    const feb = costForBillingPeriod(ctx, iv, billingPeriodAt(ctx, berlin('2024-03-01T12:00', 1)));
    const mar = costForBillingPeriod(ctx, iv, billingPeriodAt(ctx, berlin('2024-03-20T12:00', 1)));
    expect(feb.demand[0]).toMatchObject({ peakKw: 20, peakAt: berlin('2024-03-14T23:45', 1), share: 1 });
    expect(feb.demandCharge).toBeCloseTo(200, 9);
    expect(mar.demand[0]).toMatchObject({ peakKw: 40, peakAt: berlin('2024-03-15T00:00', 1) });
    expect(mar.demandCharge).toBeCloseTo(400, 9);
    expect(mar.coarseDemand).toBe(false);
  });

  it('demand is the 15-minute average: a one-minute spike is diluted', () => {
    const from = berlin('2024-01-16T10:00', 1);
    const iv = constantIntervals(from, from + HOUR, 5, 60_000).map((x, i) =>
      i === 20 ? { ...x, importKWh: 60 / 60 } : x,
    );
    const period = billingPeriodAt(ctx, from);
    const c = costForBillingPeriod(ctx, iv, period);
    // quarter 10:15-10:30 holds one minute at 60 kW and 14 at 5 kW: (60 + 14 x 5) / 15 = 8.667 kW
    expect(c.peakKw).toBeCloseTo(130 / 15, 9);
    expect(c.peakAt).toBe(from + QUARTER);
  });

  it('a demand charge with a window counts only quarter hours inside it', () => {
    const v = touVersion({
      demandCharges: [
        {
          name: 'evening peak',
          pricePerKw: 8,
          window: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '17:00', to: '20:00' },
        },
      ],
    });
    const c = createTariffContext({ tariff: touTariff({ versions: [v] }), timezone: TZ });
    const day = berlin('2024-01-16T00:00', 1);
    const iv = constantIntervals(day, day + 24 * HOUR, 3).map((x) =>
      x.start === berlin('2024-01-16T03:00', 1)
        ? { ...x, importKWh: 50 / 4 }
        : x.start === berlin('2024-01-16T18:00', 1)
          ? { ...x, importKWh: 9 / 4 }
          : x,
    );
    const r = costForBillingPeriod(c, iv, billingPeriodAt(c, day));
    expect(r.peakKw).toBe(50);
    expect(r.demand[0]).toMatchObject({ peakKw: 9, peakAt: berlin('2024-01-16T18:00', 1) });
    expect(r.demandCharge).toBeCloseTo(72, 9);
    const slots = demandForSlots(c, [berlin('2024-01-16T03:00', 1), berlin('2024-01-16T18:00', 1)], QUARTER);
    expect(slots.pricePerKw).toEqual([0, 8 * 1.19]);
    expect(slots.period).toEqual([0, 0]);
  });

  it('a whole period: energy, fixed charges of every day, demand and VAT add up', () => {
    const period = billingPeriodAt(ctx, berlin('2024-02-20T12:00', 1)); // 29 days, all winter
    const iv = constantIntervals(period.start, period.end, 1, HOUR);
    const r = costForBillingPeriod(ctx, iv, period);
    // weekdays 15 Feb - 14 Mar 2024: 21 weekdays, 8 weekend days
    const energy = 21 * (8 * 0.2 + 16 * 0.35) + 8 * (8 * 0.2 + 16 * 0.25);
    expect(r.importKWh).toBeCloseTo(29 * 24, 9);
    expect(r.energyCost).toBeCloseTo(energy, 9);
    expect(r.fixedCharges).toBeCloseTo(29 * 0.5 + 12, 9);
    expect(r.demandCharge).toBeCloseTo(10, 9); // 1 kW x 10
    expect(r.coarseDemand).toBe(true); // hourly data: demand is an hour's average
    const net = energy + 29 * 24 * 0.02 + 29 * 0.5 + 12 + 10;
    expect(r.total).toBeCloseTo(net * 1.19, 9);
  });
});

describe('export', () => {
  const hour = berlin('2024-01-16T12:00', 1);
  const exporting = [{ start: hour, end: hour + HOUR, importKWh: 0, exportKWh: 2 }];

  it('flat feed-in price, no VAT on export', () => {
    const [h] = costByHour(ctx, exporting, hour, hour + HOUR);
    expect(h!.exportCredit).toBeCloseTo(0.16, 12);
    expect(h!.vat).toBe(0);
    expect(h!.total).toBeCloseTo(-0.16, 12);
  });

  it('per-band export price, and VAT on export where the tariff applies it', () => {
    const v = touVersion({ taxes: { vatPercent: 19, levies: [], vatOnExport: true } });
    v.seasons![0]!.bands[1]!.exportPrice = 0.12;
    const c = createTariffContext({ tariff: touTariff({ versions: [v] }), timezone: TZ });
    const [h] = costByHour(c, exporting, hour, hour + HOUR);
    expect(h!.exportCredit).toBeCloseTo(0.24, 12);
    expect(h!.vat).toBeCloseTo(-0.24 * 0.19, 12);
    expect(h!.total).toBeCloseTo(-0.24 * 1.19, 12);
    expect(pricesForSlots(c, [hour], HOUR).exportPrice[0]).toBeCloseTo((0.24 * 1.19) / 2, 12);
  });
});

describe('dynamic prices', () => {
  const dynamicTariff = touTariff({
    versions: [
      touVersion({
        dynamic: {
          series: 'epex-de',
          import: { multiplier: 1, adder: 0.15 },
          export: { multiplier: 1, adder: 0 },
        },
      }),
    ],
  });
  const day = berlin('2024-01-16T00:00', 1);
  const spot = Array.from({ length: 12 }, (_, h) => ({
    start: day + h * HOUR,
    end: day + (h + 1) * HOUR,
    price: 0.05 + h * 0.01,
  }));
  const c = createTariffContext({
    tariff: dynamicTariff,
    timezone: TZ,
    prices: new InMemoryPriceSource().set('epex-de', spot),
  });

  it('spot price x multiplier + adder where known, the ToU bands where not', () => {
    const slots = Array.from({ length: 24 }, (_, h) => day + h * HOUR);
    const p = pricesForSlots(c, slots, HOUR);
    for (let h = 0; h < 12; h++) {
      expect(p.importPrice[h]).toBeCloseTo(allIn(0.05 + h * 0.01 + 0.15), 12);
      expect(p.exportPrice[h]).toBeCloseTo(0.05 + h * 0.01, 12);
      expect(p.dynamicShare[h]).toBe(1);
    }
    expect(p.importPrice[12]).toBeCloseTo(allIn(0.35), 12); // Tuesday 12:00, day band
    expect(p.exportPrice[12]).toBeCloseTo(0.08, 12);
    expect(p.dynamicShare[12]).toBe(0);
    expect(p.importPrice[23]).toBeCloseTo(allIn(0.2), 12);
  });

  it('costs use the dynamic price for the same energy', () => {
    const iv = constantIntervals(day, day + 2 * HOUR, 1);
    const [line] = costByDay(c, iv, day, day + 2 * HOUR);
    expect(line!.energyCost).toBeCloseTo(0.05 + 0.15 + 0.06 + 0.15, 12);
  });
});

describe('versions never re-price history', () => {
  const v2 = touVersion({
    validFrom: '2024-07-01',
    fixedCharges: [{ name: 'standing', amount: 24, per: 'month' }],
  });
  for (const s of v2.seasons!) s.bands[0]!.importPrice = 0.1;
  const c = createTariffContext({ tariff: touTariff({ versions: [touVersion(), v2] }), timezone: TZ });

  it('each hour is priced by the version valid then', () => {
    const from = berlin('2024-06-30T23:00', 2);
    const hours = costByHour(c, constantIntervals(from, from + 2 * HOUR, 1), from, from + 2 * HOUR);
    expect(hours.map((h) => Number(h.energyCost.toFixed(6)))).toEqual([0.2, 0.1]);
  });

  it('a period spanning a version change prorates the per-period charges by days', () => {
    const period = billingPeriodAt(c, berlin('2024-07-01T12:00', 2)); // 15 Jun - 15 Jul, 30 days
    expect(period.days).toBe(30);
    const r = costForBillingPeriod(c, [], period);
    // v1: 16 days x (0.5/day) + 12 x 16/30; v2: 24 x 14/30 and no daily charge
    expect(r.fixedCharges).toBeCloseTo(16 * 0.5 + (12 * 16) / 30 + (24 * 14) / 30, 9);
  });

  it('energy before the first version is counted as unpriced, not guessed', () => {
    const from = berlin('2023-12-31T23:00', 1);
    const [h] = costByHour(c, constantIntervals(from, from + HOUR, 1), from, from + HOUR);
    expect(h!.unpricedKWh).toBeCloseTo(1, 12);
    expect(h!.total).toBe(0);
    expect(() => pricesForSlots(c, [from], HOUR)).toThrow(
      /no version of tariff "tou" is valid on 2023-12-31/,
    );
  });

  it('intervals that overlap or hold NaN are refused with their index', () => {
    const from = berlin('2024-01-16T00:00', 1);
    const iv = constantIntervals(from, from + HOUR, 1);
    expect(() => costByHour(c, [iv[0]!, iv[0]!], from, from + HOUR)).toThrow(/intervals\[1\]/);
    expect(() => costByHour(c, [{ ...iv[0]!, importKWh: NaN }], from, from + HOUR)).toThrow(
      /intervals\[0\]\.importKWh/,
    );
  });
});

describe('for the optimiser and the integrator', () => {
  it("the plan's demand charge: rate with VAT, the peak metered so far in the period, the period's end", () => {
    const now = berlin('2024-02-20T12:00', 1);
    const so = constantIntervals(berlin('2024-02-15T00:00', 1), now, 4).map((x) =>
      x.start === berlin('2024-02-16T08:00', 1) ? { ...x, importKWh: 12 / 4 } : x,
    );
    const slots = Array.from({ length: 96 }, (_, i) => now + i * QUARTER);
    expect(demandChargeForPlan(ctx, so, now, slots, QUARTER)).toEqual({
      ratePerKw: 10 * 1.19,
      peakSoFarKw: 12,
      periodEndMs: berlin('2024-03-15T00:00', 1),
    });
    const windowed = createTariffContext({
      tariff: touTariff({
        versions: [
          touVersion({
            demandCharges: [
              {
                name: 'evening',
                pricePerKw: 8,
                window: { days: ['tue', 'thu'], from: '17:00', to: '20:00' },
              },
            ],
          }),
        ],
      }),
      timezone: TZ,
    });
    const tuesday = constantIntervals(berlin('2024-02-20T00:00', 1), now, 3).map((x) =>
      x.start === berlin('2024-02-20T03:00', 1) ? { ...x, importKWh: 50 / 4 } : x,
    );
    // the 50 kW on Tuesday 03:00 is outside the window; Thursday's 9 kW at 17:00 is inside
    const plan = demandChargeForPlan(
      windowed,
      [
        ...tuesday,
        ...constantIntervals(berlin('2024-02-15T17:00', 1), berlin('2024-02-15T18:00', 1), 9),
      ].sort((a, b) => a.start - b.start),
      now,
      slots,
      QUARTER,
    );
    expect(plan).toEqual({ ratePerKw: 8 * 1.19, peakSoFarKw: 9, periodEndMs: berlin('2024-03-15T00:00', 1) });
    const none = createTariffContext({
      tariff: touTariff({ versions: [touVersion({ demandCharges: [] })] }),
      timezone: TZ,
    });
    expect(demandChargeForPlan(none, so, now, slots, QUARTER)).toBeNull();
  });

  it('from grid meter readings to a bill: repair, intervals, combine, cost', () => {
    const from = berlin('2024-01-16T00:00', 1);
    // import counter at 2 kW with a reset at 06:00; export counter flat; one reading a minute
    const imp = [];
    for (let m = 0; m <= 24 * 60; m++)
      imp.push({ ts: from + m * 60_000, value: m < 360 ? 500 + m / 30 : (m - 359) / 30 });
    const exp = [
      { ts: from, value: 10 },
      { ts: from + 24 * HOUR, value: 10 },
    ];
    const cfg = { maxPowerW: 20_000, counter: 'total_increasing' as const, unit: 'kWh' };
    const ri = new CounterRepair('grid.in', cfg).push(imp);
    const re = new CounterRepair('grid.out', cfg).push(exp);
    expect(ri.corrections.map((c) => c.rule)).toEqual(['reset']);
    const { intervals, missing } = combineMeterIntervals(
      intervalEnergy(ri.readings, from, from + 24 * HOUR, QUARTER),
      intervalEnergy(re.readings, from, from + 24 * HOUR, QUARTER),
    );
    expect(missing).toBe(0);
    const [day] = costByDay(ctx, intervals, from, from + 24 * HOUR);
    expect(day!.importKWh).toBeCloseTo(48, 6);
    expect(day!.energyCost).toBeCloseTo(2 * (8 * 0.2 + 16 * 0.35), 6);
    expect(combineMeterIntervals([{ start: 0, end: 1, kWh: null }]).missing).toBe(1);
  });
});
