import type { ForecastAccuracy } from '../../../../shared/energy/forecast.ts';
import {
  type MeterCorrection,
  type MeteringTree,
  exportMeteringTree,
  importMeteringTree,
} from '../../../../shared/energy/metering.ts';
import type { EnergySettings } from '../../../../shared/energy/site.ts';
import { CoreError } from '../../errors.ts';
import type { CorrectionQuery, MeterRepairStore } from '../metering/repair-store.ts';
import type { TreeEnergy } from '../metering/tree.ts';
import type { PlanInputs } from '../plan-inputs.ts';
import { type BillForecast, billForecast } from '../tariffs/bill-forecast.ts';
import { type BillingPeriod, billingPeriodAt } from '../tariffs/billing.ts';
import {
  type CostLine,
  type PeriodCost,
  costByDay,
  costByHour,
  costForBillingPeriod,
} from '../tariffs/cost.ts';
import { pricesForSlots } from '../tariffs/slots.ts';
import { demandChargeForPlan } from '../tariffs/slots.ts';
import { localDayBounds } from '../tariffs/local-calendar.ts';
import type { SavedPrices } from '../tariffs/dynamic/price-store.ts';
import type { EnergyRepo } from './energy-repo.ts';
import type { ReadingStore } from './reading-store.ts';
import type { ForecastService } from './forecast-service.ts';
import type { LiveMetering, MeteredEntity } from './live-metering.ts';
import { gridIntervals } from './metered-energy.ts';
import type { TariffService } from './tariff-service.ts';

const DAY = 86_400_000;
/** the assets the planner schedules: not part of the base load */
const PLANNED_ROLES = ['ev', 'heat_pump', 'hot_water'];

export interface LiveBalance {
  at: number;
  /** W; null without a metering tree */
  tree: TreeEnergy | null;
}

export interface EnergyOverview {
  at: number;
  currency: string | null;
  tariffId: string | null;
  today: CostLine | null;
  period: PeriodCost | null;
  forecast: BillForecast | null;
  /** all-in import/export price now (per kWh) */
  priceNow: { importPerKwh: number; exportPerKwh: number; band: string; dynamic: boolean } | null;
  /** why a figure is missing, in words */
  notes: string[];
}

/**
 * The energy module's public face: metering (tree, live balance, correction log), tariffs and
 * costs, prices, forecasts and their accuracy, and the planner's inputs (`PlanInputs`).
 */
export class EnergyService implements PlanInputs {
  readonly repo: EnergyRepo;
  readonly metering: LiveMetering;
  readonly tariffs: TariffService;
  readonly forecasts: ForecastService;
  readonly #repair: MeterRepairStore;
  readonly #readings: ReadingStore;
  readonly #now: () => number;
  readonly #site: { lat: number; lon: number; timezone: string };
  readonly #onPrices: (saved: SavedPrices) => void;

  constructor(opts: {
    repo: EnergyRepo;
    metering: LiveMetering;
    tariffs: TariffService;
    forecasts: ForecastService;
    repair: MeterRepairStore;
    readings: ReadingStore;
    now: () => number;
    site: { lat: number; lon: number; timezone: string };
    /** new day-ahead prices were stored (the module maps it onto a bus event) */
    onPrices?: (saved: SavedPrices) => void;
  }) {
    this.#onPrices = opts.onPrices ?? (() => undefined);
    this.repo = opts.repo;
    this.metering = opts.metering;
    this.tariffs = opts.tariffs;
    this.forecasts = opts.forecasts;
    this.#repair = opts.repair;
    this.#readings = opts.readings;
    this.#now = opts.now;
    this.#site = opts.site;
  }

  pricesChanged(saved: SavedPrices): void {
    this.#onPrices(saved);
  }

  // ---- settings and the tree --------------------------------------------------------------------

  settings(): EnergySettings {
    return this.repo.settings;
  }

  async saveSettings(settings: EnergySettings): Promise<EnergySettings> {
    if (settings.tariffId && !this.repo.tariff(settings.tariffId))
      throw new CoreError('bad_request', `No tariff "${settings.tariffId}".`, [
        { path: 'settings.tariffId', message: 'no such tariff' },
      ]);
    await this.repo.saveSettings(settings);
    this.tariffs.refreshFeed();
    return settings;
  }

  tree(): MeteringTree | null {
    return this.repo.tree;
  }

  async saveTree(tree: MeteringTree): Promise<MeteringTree> {
    await this.repo.saveTree(tree);
    return tree;
  }

  async importTree(text: string): Promise<MeteringTree> {
    const r = importMeteringTree(text);
    if (!r.ok)
      throw new CoreError(
        'bad_request',
        `The metering tree is not valid: ${r.errors[0]}`,
        r.errors.map((e) => {
          const m = /^([\w.[\]]+): (.*)$/s.exec(e);
          return m
            ? { path: m[1]!.replace(/\[(\d+)\]/g, '.$1'), message: m[2]! }
            : { path: '(file)', message: e };
        }),
      );
    return this.saveTree(r.tree);
  }

  exportTree(): { fileName: string; text: string } {
    const tree = this.repo.tree;
    if (!tree) throw new CoreError('not_found', 'No metering tree is set up yet.');
    return { fileName: 'metering-tree.json', text: exportMeteringTree(tree) };
  }

  meters(): MeteredEntity[] {
    return this.metering.meters();
  }

  // ---- live and costs ---------------------------------------------------------------------------

  balance(now = this.#now()): LiveBalance {
    const tree = this.repo.tree;
    return { at: now, tree: tree ? this.metering.liveTree(tree, now) : null };
  }

  corrections(q: CorrectionQuery): MeterCorrection[] {
    return this.#repair.corrections(q);
  }

  correctionsCsv(q: CorrectionQuery): string {
    return this.#repair.correctionsCsv(q);
  }

  #ctxOrThrow() {
    const ctx = this.tariffs.context();
    if (!ctx)
      throw new CoreError(
        'unavailable',
        this.tariffs.contextError ?? 'Choose a tariff in the energy settings first.',
      );
    return ctx;
  }

  #grid(from: number, to: number) {
    const tree = this.repo.tree;
    if (!tree) throw new CoreError('unavailable', 'Set up the metering tree (the grid meter) first.');
    return gridIntervals(tree, this.#readings, from, to);
  }

  costs(
    from: number,
    to: number,
    by: 'hour' | 'day',
  ): { lines: CostLine[]; missing: number; currency: string } {
    if (!(to > from))
      throw new CoreError('bad_request', '"to" must be after "from".', [
        { path: 'to', message: 'before from' },
      ]);
    if (to - from > (by === 'hour' ? 31 : 400) * DAY)
      throw new CoreError('bad_request', `At most ${by === 'hour' ? 31 : 400} days at a time.`, [
        { path: 'to', message: 'range too long' },
      ]);
    const ctx = this.#ctxOrThrow();
    const { intervals, missing } = this.#grid(from, Math.min(to, this.#now()));
    const lines = by === 'hour' ? costByHour(ctx, intervals, from, to) : costByDay(ctx, intervals, from, to);
    return { lines, missing, currency: ctx.tariff.currency };
  }

  billingPeriod(now = this.#now()): BillingPeriod {
    return billingPeriodAt(this.#ctxOrThrow(), now);
  }

  overview(now = this.#now()): EnergyOverview {
    const notes: string[] = [];
    const ctx = this.tariffs.context();
    const out: EnergyOverview = {
      at: now,
      currency: ctx?.tariff.currency ?? null,
      tariffId: ctx?.tariff.id ?? null,
      today: null,
      period: null,
      forecast: null,
      priceNow: null,
      notes,
    };
    if (!ctx) {
      notes.push(this.tariffs.contextError ?? 'No tariff chosen: costs are not computed.');
      return out;
    }
    try {
      const p = pricesForSlots(ctx, [now], 60_000);
      out.priceNow = {
        importPerKwh: p.importPrice[0]!,
        exportPerKwh: p.exportPrice[0]!,
        band: p.band[0] ?? '',
        dynamic: (p.dynamicShare[0] ?? 0) > 0.5,
      };
    } catch (err) {
      notes.push((err as Error).message);
    }
    if (!this.repo.tree?.site.grid.import) {
      notes.push('No grid meter in the metering tree: costs are not computed.');
      return out;
    }
    const period = billingPeriodAt(ctx, now);
    const from = Math.min(period.start, now - 8 * DAY);
    const { intervals, missing } = this.#grid(from, now);
    if (missing > 0) notes.push(`${missing} quarter hours without grid meter data are not costed.`);
    const day = localDayBounds(now, ctx.timezone);
    out.today = costByDay(ctx, intervals, day.start, now)[0] ?? null;
    out.period = costForBillingPeriod(ctx, intervals, period, now);
    try {
      out.forecast = billForecast(ctx, intervals, now);
    } catch (err) {
      notes.push(`bill forecast: ${(err as Error).message}`);
    }
    return out;
  }

  accuracy(now = this.#now()): ForecastAccuracy[] {
    return this.forecasts.accuracy(now);
  }

  // ---- PlanInputs -------------------------------------------------------------------------------

  timezone(): string {
    return this.#site.timezone;
  }

  prices(slotStarts: readonly number[], slotMs: number): { importPerKwh: number[]; exportPerKwh: number[] } {
    const p = pricesForSlots(this.#ctxOrThrow(), slotStarts, slotMs);
    return { importPerKwh: p.importPrice, exportPerKwh: p.exportPrice };
  }

  demandCharge(now: number): { pricePerKw: number; peakSoFarKw: number; periodEnd: number } | null {
    const ctx = this.tariffs.context();
    if (!ctx) return null;
    const period = billingPeriodAt(ctx, now);
    const intervals = this.repo.tree?.site.grid.import ? this.#grid(period.start, now).intervals : [];
    const slots = Array.from({ length: 192 }, (_, i) => Math.floor(now / 900_000) * 900_000 + i * 900_000);
    const d = demandChargeForPlan(ctx, intervals, now, slots, 900_000);
    return d ? { pricePerKw: d.ratePerKw, peakSoFarKw: d.peakSoFarKw, periodEnd: d.periodEndMs } : null;
  }

  pvForecastW(slotStarts: readonly number[], slotMs: number): number[] {
    return this.forecasts.pvForecastW(slotStarts, slotMs);
  }

  /**
   * From the site's load model once a day of metered history exists; until then a persistence
   * forecast (the live load without the planned assets, held flat), so a fresh site can plan.
   */
  baseLoadForecastW(slotStarts: readonly number[], slotMs: number): number[] {
    const f = this.forecasts.loadForecastW('site', slotStarts, slotMs, this.#now());
    if (f) return f;
    const live = this.balance().tree;
    if (!live || live.flags.some((x) => x.startsWith('grid meter: no data')))
      throw new CoreError(
        'unavailable',
        'No load forecast yet: bind the grid meter in the metering tree and let it report.',
      );
    const planned = live.nodes
      .filter((n) => PLANNED_ROLES.includes(n.role))
      .reduce((sum, n) => sum + (n.total ?? 0), 0);
    const w = Math.max(0, live.balance.load - planned);
    return slotStarts.map(() => w);
  }

  outdoorTempForecastC(slotStarts: readonly number[], slotMs: number): number[] {
    const f = this.forecasts.outdoorTempForecastC(slotStarts, slotMs, this.#now());
    if (!f)
      throw new CoreError(
        'unavailable',
        'No outdoor temperature forecast: set the outdoor temperature entity in the energy settings and let it record.',
      );
    return f;
  }

  gridLimits(): { importW: number | null; exportW: number | null } {
    return { ...this.repo.settings.gridLimits };
  }
}
