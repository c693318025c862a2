import { isoDate, localMinute, minuteOfDay } from '../../rules/local-time.ts';
import { type BillingPeriod, billingPeriodAt } from './billing.ts';
import type { TariffContext } from './context.ts';
import { type PeriodCost, costForBillingPeriod } from './cost.ts';
import { QUARTER_HOUR_MS } from './demand.ts';
import { type EnergyInterval, checkIntervals } from './intervals.ts';
import { addDays, localDateOf, startOfLocalDay } from './local-calendar.ts';
import { dayTypeOf } from './segments.ts';

export interface BillForecastOptions {
  /** complete local days before today the profile is learnt from (default 7) */
  profileDays?: number;
}

export interface BillForecast {
  period: BillingPeriod;
  asOf: number;
  /** the bill of what is metered so far (period start to `asOf`) */
  known: PeriodCost;
  /** the whole period's bill: known so far plus the projected rest */
  projected: PeriodCost;
  /** energy projected for the rest of the period */
  projectedImportKWh: number;
  projectedExportKWh: number;
  /** the forecast's assumptions in words, for the UI */
  assumptions: string[];
}

const SLOTS = 96;
type Profile = { imp: Float64Array; exp: Float64Array; days: number };

function emptyProfile(): Profile {
  return { imp: new Float64Array(SLOTS), exp: new Float64Array(SLOTS), days: 0 };
}

/**
 * Mean energy per local quarter hour of the day over the given days; on a 25-hour day the repeated
 * quarter hours are averaged, on a 23-hour day the missing ones are left out of that day.
 */
function learnProfile(
  ctx: TariffContext,
  intervals: readonly EnergyInterval[],
  days: string[],
): { all: Profile; workday: Profile; offday: Profile } {
  const all = emptyProfile();
  const workday = emptyProfile();
  const offday = emptyProfile();
  for (const date of days) {
    const from = startOfLocalDay(date, ctx.timezone);
    const to = startOfLocalDay(addDays(date, 1), ctx.timezone);
    const imp = new Float64Array(SLOTS);
    const exp = new Float64Array(SLOTS);
    const seen = new Float64Array(SLOTS);
    let covered = 0;
    for (const iv of intervals) {
      if (iv.end <= from || iv.start >= to) continue;
      const len = iv.end - iv.start;
      // spread over the quarter hours it covers
      for (let t = Math.max(from, iv.start); t < Math.min(to, iv.end);) {
        const qEnd = Math.min(
          Math.floor(t / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS,
          iv.end,
          to,
        );
        const share = (qEnd - t) / len;
        const slot = Math.floor(minuteOfDay(localMinute(t, ctx.timezone)) / 15);
        imp[slot]! += iv.importKWh * share;
        exp[slot]! += iv.exportKWh * share;
        seen[slot]! += (qEnd - t) / QUARTER_HOUR_MS;
        covered += qEnd - t;
        t = qEnd;
      }
    }
    // a day metered less than 95 % of the time would drag the profile down: left out
    if (covered < 0.95 * (to - from)) continue;
    const lm = localMinute(from, ctx.timezone);
    const off = ['sat', 'sun', 'holiday'].includes(dayTypeOf(ctx, isoDate(lm), lm.weekday));
    for (const p of [all, off ? offday : workday]) {
      for (let s = 0; s < SLOTS; s++) {
        const n = seen[s]! > 1 ? seen[s]! : 1;
        p.imp[s]! += imp[s]! / n;
        p.exp[s]! += exp[s]! / n;
      }
      p.days++;
    }
  }
  for (const p of [all, workday, offday])
    for (let s = 0; s < SLOTS; s++) {
      p.imp[s]! /= Math.max(1, p.days);
      p.exp[s]! /= Math.max(1, p.days);
    }
  return { all, workday, offday };
}

/**
 * The bill of the running billing period: what is known so far plus a projection of the rest
 * from the profile of recent days (each local quarter hour's mean import and export, workdays and
 * weekends/holidays apart when there are at least two of each). The assumptions are returned in
 * words. Demand charges take the higher of the peak so far and the profile's peak.
 */
export function billForecast(
  ctx: TariffContext,
  intervals: readonly EnergyInterval[],
  now: number,
  opts: BillForecastOptions = {},
): BillForecast {
  checkIntervals(intervals);
  const profileDays = opts.profileDays ?? 7;
  const period = billingPeriodAt(ctx, now);
  const upToNow = intervals
    .filter((iv) => iv.start < now && iv.end > period.start)
    .map((iv) => {
      if (iv.end <= now) return iv;
      const f = (now - iv.start) / (iv.end - iv.start);
      return { ...iv, end: now, importKWh: iv.importKWh * f, exportKWh: iv.exportKWh * f };
    });
  const known = costForBillingPeriod(ctx, upToNow, period, now);

  const today = localDateOf(now, ctx.timezone);
  const days = Array.from({ length: profileDays }, (_, i) => addDays(today, i - profileDays));
  const { all, workday, offday } = learnProfile(ctx, intervals, days);
  const split = workday.days >= 2 && offday.days >= 2;

  const rest: EnergyInterval[] = [];
  for (let t = now; t < period.end;) {
    const end = Math.min(period.end, Math.floor(t / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS);
    const lm = localMinute(t, ctx.timezone);
    const slot = Math.floor(minuteOfDay(lm) / 15);
    const off = ['sat', 'sun', 'holiday'].includes(dayTypeOf(ctx, isoDate(lm), lm.weekday));
    const p = split ? (off ? offday : workday) : all;
    const f = (end - t) / QUARTER_HOUR_MS;
    rest.push({ start: t, end, importKWh: p.imp[slot]! * f, exportKWh: p.exp[slot]! * f });
    t = end;
  }
  const projected = costForBillingPeriod(ctx, [...upToNow, ...rest], period);
  const projectedImportKWh = rest.reduce((s, r) => s + r.importKWh, 0);
  const projectedExportKWh = rest.reduce((s, r) => s + r.exportKWh, 0);

  const fmt = (x: number) => x.toFixed(1);
  const assumptions = [
    `Known: metered energy from ${period.startDate} to now: ${fmt(known.importKWh)} kWh imported, ${fmt(known.exportKWh)} kWh exported.`,
  ];
  if (all.days === 0)
    assumptions.push(
      `No complete day metered in the last ${profileDays} days: the rest of the period (until ${addDays(period.endDate, -1)}) is not projected.`,
    );
  else
    assumptions.push(
      `Rest of the period (until ${addDays(period.endDate, -1)}): each quarter hour imports and exports the mean of the same local quarter hour on the last ${all.days} complete metered days (${days[0]} to ${days[days.length - 1]})${split ? ', workdays and weekends/holidays apart' : ''}: ${fmt(projectedImportKWh)} kWh imported, ${fmt(projectedExportKWh)} kWh exported.`,
    );
  const version = ctx.versionOn(today)?.version;
  if (version?.dynamic)
    assumptions.push("Prices: the day-ahead prices where published, the tariff's bands after that.");
  else assumptions.push("Prices: the tariff's time-of-use bands, version by day.");
  if (projected.demand.length > 0)
    assumptions.push(
      `Demand charge: on the period's projected peak of ${fmt(projected.peakKw ?? 0)} kW (${fmt(known.peakKw ?? 0)} kW so far), the higher of the peak so far and the profile's.`,
    );
  assumptions.push(`Fixed charges: all ${period.days} days of the period.`);
  return { period, asOf: now, known, projected, projectedImportKWh, projectedExportKWh, assumptions };
}
