import { describe, expect, it } from 'vitest';
import { billForecast } from '../../../../main/core/energy/tariffs/bill-forecast.ts';
import { billingPeriodAt } from '../../../../main/core/energy/tariffs/billing.ts';
import { createTariffContext } from '../../../../main/core/energy/tariffs/context.ts';
import { costForBillingPeriod } from '../../../../main/core/energy/tariffs/cost.ts';
import { localMinute } from '../../../../main/core/rules/local-time.ts';
import { QUARTER, TZ, berlin, touTariff } from './fixtures.ts';

const ctx = createTariffContext({ tariff: touTariff(), timezone: TZ });

/** Workdays 2 kW, weekends 1 kW; export 3 kW from 11:00 to 13:00 every day. */
function weeklyPattern(from: number, to: number) {
  const out = [];
  for (let t = from; t < to; t += QUARTER) {
    const lm = localMinute(t, TZ);
    const kw = lm.weekday === 0 || lm.weekday === 6 ? 1 : 2;
    const exportKw = lm.hour >= 11 && lm.hour < 13 ? 3 : 0;
    out.push({ start: t, end: t + QUARTER, importKWh: kw / 4, exportKWh: exportKw / 4 });
  }
  return out;
}

describe('bill forecast for the running billing period', () => {
  const period = billingPeriodAt(ctx, berlin('2024-02-20T12:00', 1)); // 15 Feb - 15 Mar
  const now = berlin('2024-02-20T12:00', 1);
  const history = weeklyPattern(berlin('2024-02-01T00:00', 1), now);

  it('when the rest of the period repeats the recent weeks, the projection is the bill that results', () => {
    const f = billForecast(ctx, history, now);
    const actual = costForBillingPeriod(ctx, weeklyPattern(period.start, period.end), period);
    expect(f.period.startDate).toBe('2024-02-15');
    // known: 15 Feb 00:00 - 20 Feb 12:00 = 5.5 days (Thu, Fri, Sat, Sun, Mon, half Tue)
    expect(f.known.importKWh).toBeCloseTo(24 * (2 + 2 + 1 + 1 + 2) + 12 * 2, 9);
    expect(f.projected.importKWh).toBeCloseTo(actual.importKWh, 6);
    expect(f.projected.exportKWh).toBeCloseTo(actual.exportKWh, 6);
    expect(f.projected.energyCost).toBeCloseTo(actual.energyCost, 6);
    expect(f.projected.demandCharge).toBeCloseTo(actual.demandCharge, 6); // 2 kW x 10
    expect(f.projected.total).toBeCloseTo(actual.total, 6);
    expect(f.projectedImportKWh + f.known.importKWh).toBeCloseTo(actual.importKWh, 6);
    expect(f.assumptions.join('\n')).toMatch(
      /last 7 complete metered days \(2024-02-13 to 2024-02-19\), workdays and weekends\/holidays apart/,
    );
    expect(f.assumptions.join('\n')).toMatch(/Fixed charges: all 29 days/);
  });

  it('a demand peak already metered stays in the projection', () => {
    const spiky = history.map((x) =>
      x.start === berlin('2024-02-16T08:00', 1) ? { ...x, importKWh: 30 / 4 } : x,
    );
    const f = billForecast(ctx, spiky, now, { profileDays: 3 });
    expect(f.known.peakKw).toBe(30);
    expect(f.projected.demandCharge).toBeCloseTo(300, 9);
    expect(f.assumptions.join('\n')).toMatch(/projected peak of 30\.0 kW \(30\.0 kW so far\)/);
  });

  it('without history the rest is not projected, and it says so', () => {
    const f = billForecast(ctx, [], now);
    expect(f.projectedImportKWh).toBe(0);
    expect(f.projected.fixedCharges).toBeCloseTo(29 * 0.5 + 12, 9);
    expect(f.assumptions[1]).toMatch(/No complete day metered in the last 7 days/);
  });

  it('a day metered only in part is left out of the profile', () => {
    const holey = history.filter(
      (x) => !(x.start >= berlin('2024-02-19T00:00', 1) && x.start < berlin('2024-02-19T06:00', 1)),
    );
    const f = billForecast(ctx, holey, now);
    expect(f.assumptions[1]).toMatch(/last 6 complete metered days/);
    expect(f.known.end - f.known.start).toBe(now - period.start);
  });
});
