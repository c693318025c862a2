import type { TariffContext } from './context.ts';
import { daysBetween, localDateOf, startOfLocalDay } from './local-calendar.ts';

export interface BillingPeriod {
  /** instant of the first local midnight of the period */
  start: number;
  /** instant of the next period's start */
  end: number;
  /** first local date of the period */
  startDate: string;
  /** first local date of the next period (exclusive) */
  endDate: string;
  /** local days in the period (28..31) */
  days: number;
}

function monthShift(year: number, month: number, by: number): [number, number] {
  const m = month - 1 + by;
  return [year + Math.floor(m / 12), (((m % 12) + 12) % 12) + 1];
}

const iso = (y: number, m: number, d: number) =>
  `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/**
 * The billing period containing `ts`: from local midnight of day `periodStartDay` of a month to the
 * same day of the next month (a period starting on the 15th runs 15 March - 14 April). The start
 * day is the version's in force on the local date of `ts`.
 */
export function billingPeriodAt(ctx: TariffContext, ts: number): BillingPeriod {
  const date = localDateOf(ts, ctx.timezone);
  const v = ctx.versionOn(date) ?? { version: ctx.tariff.versions[0]! };
  const startDay = v.version.billing.periodStartDay;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [sy, sm] = d >= startDay ? [y, m] : monthShift(y, m, -1);
  const [ey, em] = monthShift(sy, sm, 1);
  const startDate = iso(sy, sm, startDay);
  const endDate = iso(ey, em, startDay);
  return {
    start: startOfLocalDay(startDate, ctx.timezone),
    end: startOfLocalDay(endDate, ctx.timezone),
    startDate,
    endDate,
    days: daysBetween(startDate, endDate),
  };
}

/** The billing periods overlapping [from, to), in order. */
export function billingPeriodsBetween(ctx: TariffContext, from: number, to: number): BillingPeriod[] {
  const out: BillingPeriod[] = [];
  for (let t = from; t < to;) {
    const p = billingPeriodAt(ctx, t);
    out.push(p);
    t = p.end;
  }
  return out;
}
