import { windowMinutes } from '../../../../shared/energy/tariff.ts';
import { isoDate, localMinute, minuteOfDay } from '../../rules/local-time.ts';
import { billingPeriodAt } from './billing.ts';
import type { TariffContext } from './context.ts';
import { quarterHourDemand } from './demand.ts';
import type { EnergyInterval } from './intervals.ts';
import { allInExportPrice, allInImportPrice, dayTypeOf, priceSegments } from './segments.ts';

/** Per-slot prices for a planning horizon, all in (energy + levies, VAT applied). */
export interface SlotPrices {
  /** currency per kWh imported in each slot (time-weighted mean where a price changes inside a slot) */
  importPrice: number[];
  /** currency per kWh exported in each slot (0 where export is not paid) */
  exportPrice: number[];
  /** share of each slot (0..1) priced from the day-ahead series; the rest from the ToU bands */
  dynamicShare: number[];
  /** the band in force at each slot's start (for explanations) */
  band: string[];
}

/**
 * Prices for the optimiser: one import and one export price per slot, as the site pays them.
 * Slots are [slotStarts[i], slotStarts[i] + slotMs). Throws when a slot lies before the tariff's
 * first version (planning needs a price everywhere).
 */
export function pricesForSlots(
  ctx: TariffContext,
  slotStarts: readonly number[],
  slotMs: number,
): SlotPrices {
  if (!(slotMs > 0)) throw new Error('slotMs must be positive');
  const out: SlotPrices = { importPrice: [], exportPrice: [], dynamicShare: [], band: [] };
  if (slotStarts.length === 0) return out;
  for (let i = 1; i < slotStarts.length; i++)
    if (slotStarts[i]! < slotStarts[i - 1]! + slotMs) throw new Error('slots must be sorted and not overlap');
  const from = slotStarts[0]!;
  const to = slotStarts[slotStarts.length - 1]! + slotMs;
  const segs = priceSegments(ctx, from, to);
  let k = 0;
  for (const s0 of slotStarts) {
    const s1 = s0 + slotMs;
    while (k < segs.length && segs[k]!.end <= s0) k++;
    let imp = 0;
    let exp = 0;
    let dyn = 0;
    let band = '';
    for (let j = k; j < segs.length && segs[j]!.start < s1; j++) {
      const seg = segs[j]!;
      if (seg.source === 'none')
        throw new Error(`no version of tariff "${ctx.tariff.id}" is valid on ${seg.date}`);
      const w = (Math.min(s1, seg.end) - Math.max(s0, seg.start)) / slotMs;
      if (w <= 0) continue;
      if (!band) band = seg.band;
      imp += w * allInImportPrice(seg);
      exp += w * allInExportPrice(seg);
      if (seg.source === 'dynamic') dyn += w;
    }
    out.importPrice.push(imp);
    out.exportPrice.push(exp);
    out.dynamicShare.push(Math.min(1, dyn));
    out.band.push(band);
  }
  return out;
}

/** Demand-charge terms for the optimiser. */
export interface SlotDemand {
  /** per slot: the sum of pricePerKw (VAT applied) of the demand charges that count this slot */
  pricePerKw: number[];
  /** per slot: index into `periods` */
  period: number[];
  /** the billing periods the slots fall in */
  periods: Array<{ start: number; end: number }>;
}

/**
 * Which slots count toward which demand charge: the optimiser penalises the highest 15-minute
 * import in each period at `pricePerKw`. A slot counts when its start lies in a charge's window.
 */
export function demandForSlots(
  ctx: TariffContext,
  slotStarts: readonly number[],
  _slotMs: number,
): SlotDemand {
  const out: SlotDemand = { pricePerKw: [], period: [], periods: [] };
  for (const s of slotStarts) {
    const lm = localMinute(s, ctx.timezone);
    const date = isoDate(lm);
    const v = ctx.versionOn(date);
    let price = 0;
    if (v) {
      const day = dayTypeOf(ctx, date, lm.weekday);
      const m = minuteOfDay(lm);
      for (const dc of v.version.demandCharges) {
        if (!dc.window) price += dc.pricePerKw;
        else if (
          dc.window.days.includes(day) &&
          windowMinutes(dc.window.from, dc.window.to).some(([a, b]) => m >= a && m < b)
        )
          price += dc.pricePerKw;
      }
      price *= 1 + v.version.taxes.vatPercent / 100;
    }
    const p = billingPeriodAt(ctx, s);
    let idx = out.periods.findIndex((q) => q.start === p.start);
    if (idx < 0) idx = out.periods.push({ start: p.start, end: p.end }) - 1;
    out.pricePerKw.push(price);
    out.period.push(idx);
  }
  return out;
}

/** The demand-charge terms the optimiser's plan takes (shared/energy/plan.ts `DemandCharge`). */
export interface PlanDemandCharge {
  /** per kW of the period's highest 15-minute average import, VAT applied */
  ratePerKw: number;
  /** the highest 15-minute import already metered in the running period, kW */
  peakSoFarKw: number;
  /** when the running billing period ends: slots after it start a new period's peak */
  periodEndMs: number;
}

/**
 * Summarises the tariff's demand charges for a plan starting at `now`: the highest per-kW price any
 * slot of the running period carries (windowed charges count where their window is), the peak
 * metered so far in that period (`intervals`: grid import up to now), and the period's end. Null
 * when the tariff has no demand charge on the planned slots.
 */
export function demandChargeForPlan(
  ctx: TariffContext,
  intervals: readonly EnergyInterval[],
  now: number,
  slotStarts: readonly number[],
  slotMs: number,
): PlanDemandCharge | null {
  const period = billingPeriodAt(ctx, now);
  const d = demandForSlots(ctx, slotStarts, slotMs);
  const rate = Math.max(0, ...d.pricePerKw.filter((_, i) => d.periods[d.period[i]!]!.start === period.start));
  if (rate === 0) return null;
  const { quarters } = quarterHourDemand(intervals, period.start, Math.min(now, period.end));
  const counted = d.pricePerKw.some((p, i) => p !== rate && d.periods[d.period[i]!]!.start === period.start)
    ? quarters.filter((q) => demandForSlots(ctx, [q.start], 900_000).pricePerKw[0]! > 0)
    : quarters;
  const peakSoFarKw = counted.reduce((m, q) => Math.max(m, q.kw), 0);
  return { ratePerKw: rate, peakSoFarKw, periodEndMs: period.end };
}
