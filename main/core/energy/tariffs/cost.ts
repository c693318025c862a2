import { windowMinutes } from '../../../../shared/energy/tariff.ts';
import { type BillingPeriod, billingPeriodAt } from './billing.ts';
import type { TariffContext } from './context.ts';
import { quarterHourDemand } from './demand.ts';
import { type EnergyInterval, checkIntervals } from './intervals.ts';
import type { LocalMinute } from '../../../../shared/rules/cron.ts';
import { isoDate, localMinute, minuteOfDay } from '../../rules/local-time.ts';
import { addDays, localDayBounds, localDayStarts, localHourStarts } from './local-calendar.ts';
import { type PriceSegment, dayTypeOf, priceSegments } from './segments.ts';

/** Cost of one bucket (an hour, a day, a billing period). Money in the tariff's currency. */
export interface CostLine {
  start: number;
  end: number;
  importKWh: number;
  exportKWh: number;
  /** import x energy price, before VAT */
  energyCost: number;
  /** import x per-kWh levies, before VAT */
  levies: number;
  /** demand charges (billing-period lines only) */
  demandCharge: number;
  /** fixed charges: per-day ones on days, per-period ones spread evenly over the period's days */
  fixedCharges: number;
  /** export x export price, before VAT */
  exportCredit: number;
  /** VAT on the import side (less VAT on export credit where the tariff applies it) */
  vat: number;
  /** energyCost + levies + demandCharge + fixedCharges + vat - exportCredit (with its VAT) */
  total: number;
  /** energy outside any tariff version (before the first one): not priced */
  unpricedKWh: number;
  /** the highest 15-minute average import in the bucket, kW (null in hour lines) */
  peakKw: number | null;
  peakAt: number | null;
}

function emptyLine(start: number, end: number): CostLine {
  return {
    start,
    end,
    importKWh: 0,
    exportKWh: 0,
    energyCost: 0,
    levies: 0,
    demandCharge: 0,
    fixedCharges: 0,
    exportCredit: 0,
    vat: 0,
    total: 0,
    unpricedKWh: 0,
    peakKw: null,
    peakAt: null,
  };
}

function finish(l: CostLine): CostLine {
  l.total = l.energyCost + l.levies + l.demandCharge + l.fixedCharges + l.vat - l.exportCredit;
  return l;
}

/**
 * Adds each interval's energy and its cost to the bucket it falls in (buckets are [starts[i],
 * starts[i+1]) and the last ends at `to`). An interval crossing a price change or a bucket edge is
 * split in proportion to time (constant power within an interval).
 */
function energyLines(
  ctx: TariffContext,
  intervals: readonly EnergyInterval[],
  starts: readonly number[],
  to: number,
): CostLine[] {
  checkIntervals(intervals);
  const lines = starts.map((s, i) => emptyLine(s, starts[i + 1] ?? to));
  if (lines.length === 0) return lines;
  const from = starts[0]!;
  const segs = priceSegments(ctx, from, to);
  let k = 0;
  let b = 0;
  for (const iv of intervals) {
    if (iv.end <= from || iv.start >= to) continue;
    const len = iv.end - iv.start;
    while (k < segs.length && segs[k]!.end <= Math.max(iv.start, from)) k++;
    for (let j = k; j < segs.length && segs[j]!.start < iv.end; j++) {
      const seg = segs[j]!;
      // a segment may straddle bucket edges: cut it at each
      let a = Math.max(iv.start, seg.start);
      const z = Math.min(iv.end, seg.end);
      while (a < z) {
        while (b < lines.length - 1 && lines[b]!.end <= a) b++;
        while (b > 0 && lines[b]!.start > a) b--;
        const line = lines[b]!;
        const e = Math.min(z, line.end);
        addEnergy(line, seg, (iv.importKWh * (e - a)) / len, (iv.exportKWh * (e - a)) / len);
        a = e;
      }
    }
  }
  return lines;
}

function addEnergy(line: CostLine, seg: PriceSegment, imp: number, exp: number): void {
  line.importKWh += imp;
  line.exportKWh += exp;
  if (seg.source === 'none') {
    line.unpricedKWh += imp + exp;
    return;
  }
  const energy = imp * seg.importPrice;
  const levies = imp * seg.levyPerKWh;
  const credit = exp * seg.exportPrice;
  line.energyCost += energy;
  line.levies += levies;
  line.exportCredit += credit;
  line.vat += (energy + levies) * seg.vatRate - (seg.vatOnExport ? credit * seg.vatRate : 0);
}

/** Cost per local hour over [from, to): 23 lines on a spring-forward day, 25 on a fall-back day. Energy terms only. */
export function costByHour(
  ctx: TariffContext,
  intervals: readonly EnergyInterval[],
  from: number,
  to: number,
): CostLine[] {
  const starts = localHourStarts(from, to, ctx.timezone);
  if (starts[0] !== from) starts.unshift(from);
  return energyLines(ctx, intervals, starts, to).map(finish);
}

/** Fixed charges of one local day: per-day charges plus its share of the per-period ones. */
function fixedForDay(ctx: TariffContext, date: string, dayStart: number): { amount: number; vat: number } {
  const v = ctx.versionOn(date);
  if (!v) return { amount: 0, vat: 0 };
  const period = billingPeriodAt(ctx, dayStart);
  let amount = 0;
  for (const f of v.version.fixedCharges) amount += f.per === 'day' ? f.amount : f.amount / period.days;
  return { amount, vat: (amount * v.version.taxes.vatPercent) / 100 };
}

/**
 * Cost per local day over [from, to) (from and to at local midnights for whole days), with the
 * day's fixed charges and its highest 15-minute demand. Demand charges are billed per period, not
 * here.
 */
export function costByDay(
  ctx: TariffContext,
  intervals: readonly EnergyInterval[],
  from: number,
  to: number,
): CostLine[] {
  const starts = localDayStarts(from, to, ctx.timezone).filter((s) => s >= from);
  if (starts[0] !== from) starts.unshift(from);
  const lines = energyLines(ctx, intervals, starts, to);
  const { quarters } = quarterHourDemand(intervals, from, to);
  let q = 0;
  for (const line of lines) {
    const day = localDayBounds(line.start, ctx.timezone);
    // a partial day carries its share of the day's fixed charges
    const share = (line.end - line.start) / (day.end - day.start);
    const fixed = fixedForDay(ctx, day.date, day.start);
    line.fixedCharges += fixed.amount * share;
    line.vat += fixed.vat * share;
    for (; q < quarters.length && quarters[q]!.start < line.end; q++) {
      const d = quarters[q]!;
      if (d.start < line.start) continue;
      if (line.peakKw === null || d.kw > line.peakKw) {
        line.peakKw = d.kw;
        line.peakAt = d.start;
      }
    }
    finish(line);
  }
  return lines;
}

/** One demand charge as billed. */
export interface DemandChargeLine {
  name: string;
  pricePerKw: number;
  peakKw: number;
  peakAt: number | null;
  /** share of the period this charge's version was in force (1 unless the tariff changed mid-period) */
  share: number;
  amount: number;
}

export interface PeriodCost extends CostLine {
  period: BillingPeriod;
  demand: DemandChargeLine[];
  /** true when some metered interval was longer than 15 minutes: demand is then an average over it */
  coarseDemand: boolean;
}

/** Whether a quarter hour (its local time `lm`) counts for a demand charge's window. */
function inWindow(
  ctx: TariffContext,
  window: { days: string[]; from: string; to: string } | undefined,
  lm: LocalMinute,
): boolean {
  if (!window) return true;
  if (!window.days.includes(dayTypeOf(ctx, isoDate(lm), lm.weekday))) return false;
  const m = minuteOfDay(lm);
  return windowMinutes(window.from, window.to).some(([a, b]) => m >= a && m < b);
}

/**
 * The bill of one billing period (or of its part up to `until`): energy, levies, export credit,
 * fixed charges for its days, demand charges on the highest 15-minute import, and VAT. When the
 * tariff changed mid-period, each version's demand and per-period charges are prorated by its days.
 */
export function costForBillingPeriod(
  ctx: TariffContext,
  intervals: readonly EnergyInterval[],
  period: BillingPeriod,
  until: number = period.end,
): PeriodCost {
  const to = Math.min(until, period.end);
  const [line] = energyLines(ctx, intervals, [period.start], to);
  const base = line ?? emptyLine(period.start, to);
  const { quarters, coarse } = quarterHourDemand(intervals, period.start, to);
  // fixed charges of each day of the period up to `to`
  for (const dayStart of localDayStarts(period.start, to, ctx.timezone)) {
    const day = localDayBounds(dayStart, ctx.timezone);
    const share = (Math.min(day.end, to) - day.start) / (day.end - day.start);
    const fixed = fixedForDay(ctx, day.date, day.start);
    base.fixedCharges += fixed.amount * share;
    base.vat += fixed.vat * share;
  }
  // demand: per version in force during the period, its share of the period's days
  const demand: DemandChargeLine[] = [];
  const versionDays = new Map<number, number>();
  for (let d = period.startDate; d < period.endDate; d = addDays(d, 1)) {
    const v = ctx.versionOn(d);
    if (v) versionDays.set(v.index, (versionDays.get(v.index) ?? 0) + 1);
  }
  const local = quarters.map((q) => localMinute(q.start, ctx.timezone));
  for (const [index, days] of versionDays) {
    const version = ctx.tariff.versions[index]!;
    const share = days / period.days;
    for (const dc of version.demandCharges) {
      let peakKw = 0;
      let peakAt: number | null = null;
      quarters.forEach((q, i) => {
        const lm = local[i]!;
        if (ctx.versionOn(isoDate(lm))?.index !== index || !inWindow(ctx, dc.window, lm)) return;
        if (q.kw > peakKw) {
          peakKw = q.kw;
          peakAt = q.start;
        }
      });
      const amount = peakKw * dc.pricePerKw * share;
      demand.push({ name: dc.name, pricePerKw: dc.pricePerKw, peakKw, peakAt, share, amount });
      base.demandCharge += amount;
      base.vat += (amount * version.taxes.vatPercent) / 100;
    }
  }
  for (const q of quarters) {
    if (base.peakKw === null || q.kw > base.peakKw) {
      base.peakKw = q.kw;
      base.peakAt = q.start;
    }
  }
  return { ...finish(base), period, demand, coarseDemand: coarse };
}
