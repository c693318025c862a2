import type { ForecastAccuracy, ForecastKind } from '../../../../shared/energy/forecast.ts';
import type { MeteringTree, NodeRole } from '../../../../shared/energy/metering.ts';
import type { EnergySettings } from '../../../../shared/energy/site.ts';
import type { TimeSeriesStore } from '../../history/types.ts';
import type { ForecastStore } from '../forecast/accuracy-store.ts';
import { type LoadModel, type LoadSample, fitLoadModel, forecastLoad } from '../forecast/load.ts';
import { type PvCorrection, learnPvCorrection, pvForecast } from '../forecast/pv.ts';
import { forecastTemperature } from '../forecast/temperature.ts';
import type { NodeEnergy } from '../metering/tree.ts';
import { treeByStep } from './metered-energy.ts';
import type { ReadingStore } from './reading-store.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
export const SLOT_MS = 900_000;
/** the horizon forecasts are issued for (the planner's longest) */
export const HORIZON_MS = 48 * HOUR;
/** the flexible assets the planner schedules: the base load is the site's load without them */
const PLANNED: readonly NodeRole[] = ['ev', 'heat_pump', 'hot_water'];

export interface ForecastSite {
  lat: number;
  lon: number;
  timezone: string;
}

export interface ForecastJob {
  at: number | null;
  error: string | null;
}

interface Inputs {
  settings: EnergySettings;
  tree: MeteringTree | null;
  site: ForecastSite;
  isHoliday?: ((date: string) => boolean) | undefined;
}

/** the site's load minus the planned assets, per step (kWh) */
function baseLoadKWh(nodes: readonly NodeEnergy[], load: number): number {
  const planned = nodes.filter((n) => PLANNED.includes(n.role)).reduce((s, n) => s + (n.total ?? 0), 0);
  return Math.max(0, load - planned);
}

/** every metered load node (circuit, zone, device) below the site, depth first */
function loadNodes(nodes: readonly NodeEnergy[], out: NodeEnergy[] = []): NodeEnergy[] {
  for (const n of nodes) {
    if (n.role !== 'pv' && n.role !== 'battery') out.push(n);
    loadNodes(n.nodes, out);
  }
  return out;
}

/**
 * Forecasts made live: models refitted from the repaired meters and the outdoor temperature's
 * history (PV correction, load per circuit/zone, the temperature curve), forecasts issued on a
 * schedule and recorded with the actuals they are judged against, and the per-slot series the
 * planner reads (PlanInputs).
 */
export class ForecastService {
  readonly #store: ForecastStore;
  readonly #readings: ReadingStore;
  readonly #history: TimeSeriesStore;
  readonly #inputs: () => Inputs;
  #pvCorrection: PvCorrection | null = null;
  readonly #loadModels = new Map<string, LoadModel>();
  #temps: Array<{ ts: number; tempC: number }> = [];
  readonly jobs: Record<'refit' | 'issue' | 'actuals', ForecastJob> = {
    refit: { at: null, error: null },
    issue: { at: null, error: null },
    actuals: { at: null, error: null },
  };

  constructor(opts: {
    store: ForecastStore;
    readings: ReadingStore;
    history: TimeSeriesStore;
    inputs: () => Inputs;
  }) {
    this.#store = opts.store;
    this.#readings = opts.readings;
    this.#history = opts.history;
    this.#inputs = opts.inputs;
  }

  #run(job: keyof ForecastService['jobs'], now: number, fn: () => void): void {
    try {
      fn();
      this.jobs[job] = { at: now, error: null };
    } catch (err) {
      this.jobs[job] = { at: now, error: (err as Error).message };
      throw err;
    }
  }

  /** Outdoor temperature samples (hourly means) from the history of the configured entity. */
  #temperatureHistory(
    entityId: string | null,
    from: number,
    to: number,
  ): Array<{ ts: number; tempC: number }> {
    if (!entityId) return [];
    const r = this.#history.query({ entityId, from, to, resolution: 'hour', maxPoints: 2000 });
    const hourly = r.points.map((p) => ({ ts: p.ts, tempC: p.mean }));
    // the current hour's rollup may not exist yet: fill from minutes
    const since = hourly.length ? hourly[hourly.length - 1]!.ts + HOUR : from;
    if (since < to) {
      const m = this.#history.query({ entityId, from: since, to, resolution: 'minute', maxPoints: 5000 });
      for (const p of m.points) hourly.push({ ts: p.ts, tempC: p.mean });
    }
    return hourly.filter((p) => Number.isFinite(p.tempC));
  }

  /** Refits the PV correction, the load models and the temperature curve (daily, and at start). */
  refit(now: number): void {
    this.#run('refit', now, () => {
      const { settings, tree, site, isHoliday } = this.#inputs();
      this.#temps = this.#temperatureHistory(settings.outdoorTempEntity, now - 30 * DAY, now);
      this.#loadModels.clear();
      this.#pvCorrection = null;
      if (!tree) return;
      const from = Math.floor((now - 28 * DAY) / HOUR) * HOUR;
      const steps = treeByStep(tree, this.#readings, from, Math.floor(now / HOUR) * HOUR, HOUR);
      const tempAt = new Map(this.#temps.map((t) => [Math.floor(t.ts / HOUR) * HOUR, t.tempC]));
      const samples = new Map<string, LoadSample[]>();
      const push = (target: string, s: { start: number; end: number }, kWh: number | null) => {
        if (kWh === null || !Number.isFinite(kWh)) return;
        let list = samples.get(target);
        if (!list) samples.set(target, (list = []));
        list.push({ start: s.start, end: s.end, kWh, tempC: tempAt.get(s.start) ?? null });
      };
      for (const s of steps) {
        push('site', s, baseLoadKWh(s.energy.nodes, s.energy.balance.load));
        for (const n of loadNodes(s.energy.nodes)) push(n.id, s, n.total);
      }
      for (const [target, list] of samples)
        if (list.length >= 24)
          this.#loadModels.set(target, fitLoadModel(list, { timezone: site.timezone, isHoliday }));
      if (settings.pv) {
        const production = steps
          .filter((s) => s.energy.nodes.some((n) => n.role === 'pv'))
          .map((s) => ({ start: s.start, end: s.end, kWh: s.energy.balance.pv }));
        this.#pvCorrection = learnPvCorrection(settings.pv, site, production, { now });
      }
    });
  }

  pvForecastW(slotStarts: readonly number[], slotMs: number): number[] {
    const { settings, site } = this.#inputs();
    if (!settings.pv) return slotStarts.map(() => 0);
    return pvForecast(settings.pv, site, slotStarts, slotMs, { correction: this.#pvCorrection });
  }

  /** Null when there is no outdoor temperature history to forecast from. */
  outdoorTempForecastC(slotStarts: readonly number[], slotMs: number, now: number): number[] | null {
    const { site } = this.#inputs();
    const recent = this.#temps.filter((t) => t.ts >= now - 7 * DAY);
    if (recent.length === 0) return null;
    return forecastTemperature(recent, slotStarts, slotMs, { timezone: site.timezone, now });
  }

  /** Null when no load model is fitted yet for the target (less than a day of metered data). */
  loadForecastW(target: string, slotStarts: readonly number[], slotMs: number, now: number): number[] | null {
    const model = this.#loadModels.get(target);
    if (!model) return null;
    const temps = this.outdoorTempForecastC(slotStarts, slotMs, now) ?? [];
    return forecastLoad(model, slotStarts, slotMs, temps, this.#inputs().isHoliday);
  }

  loadTargets(): string[] {
    return [...this.#loadModels.keys()];
  }

  /** Issues the forecasts for the next 48 hours and records them for their accuracy. */
  issue(now: number): { issued: string[] } {
    const issued: string[] = [];
    this.#run('issue', now, () => {
      const start = Math.ceil(now / SLOT_MS) * SLOT_MS;
      const slots = Array.from({ length: HORIZON_MS / SLOT_MS }, (_, i) => start + i * SLOT_MS);
      const record = (kind: ForecastKind, target: string, values: number[] | null) => {
        if (!values) return;
        this.#store.recordIssue(kind, target, now, start, SLOT_MS, values);
        issued.push(`${kind}:${target}`);
      };
      if (this.#inputs().settings.pv) record('pv', 'site', this.pvForecastW(slots, SLOT_MS));
      record('temperature', 'outdoor', this.outdoorTempForecastC(slots, SLOT_MS, now));
      for (const target of this.loadTargets())
        record('load', target, this.loadForecastW(target, slots, SLOT_MS, now));
    });
    return { issued };
  }

  /** Records what was measured over the last day's slots, to judge the forecasts against. */
  recordActuals(now: number): void {
    this.#run('actuals', now, () => {
      const { settings, tree } = this.#inputs();
      const to = Math.floor(now / SLOT_MS) * SLOT_MS;
      const from = to - DAY;
      const toW = (kWh: number) => (kWh * 3_600_000_000) / SLOT_MS;
      if (tree) {
        const steps = treeByStep(tree, this.#readings, from, to, SLOT_MS);
        const pv: Array<{ start: number; value: number }> = [];
        const load = new Map<string, Array<{ start: number; value: number }>>();
        const add = (target: string, start: number, kWh: number | null) => {
          if (kWh === null) return;
          let l = load.get(target);
          if (!l) load.set(target, (l = []));
          l.push({ start, value: toW(kWh) });
        };
        for (const s of steps) {
          if (s.energy.nodes.some((n) => n.role === 'pv'))
            pv.push({ start: s.start, value: toW(s.energy.balance.pv) });
          add('site', s.start, baseLoadKWh(s.energy.nodes, s.energy.balance.load));
          for (const n of loadNodes(s.energy.nodes)) add(n.id, s.start, n.total);
        }
        if (settings.pv) this.#store.recordActuals('pv', 'site', SLOT_MS, pv);
        for (const [target, points] of load) this.#store.recordActuals('load', target, SLOT_MS, points);
      }
      if (settings.outdoorTempEntity) {
        const r = this.#history.query({
          entityId: settings.outdoorTempEntity,
          from,
          to,
          resolution: 'minute',
          maxPoints: 5000,
        });
        const buckets = new Map<number, { s: number; n: number }>();
        for (const p of r.points) {
          const k = Math.floor(p.ts / SLOT_MS) * SLOT_MS;
          const b = buckets.get(k) ?? { s: 0, n: 0 };
          b.s += p.mean;
          b.n++;
          buckets.set(k, b);
        }
        this.#store.recordActuals(
          'temperature',
          'outdoor',
          SLOT_MS,
          [...buckets].map(([start, b]) => ({ start, value: b.s / b.n })),
        );
      }
    });
  }

  /** Accuracy of every forecast Truss issues for this site. */
  accuracy(now: number): ForecastAccuracy[] {
    const { settings } = this.#inputs();
    const targets: Array<[ForecastKind, string]> = [];
    if (settings.pv) targets.push(['pv', 'site']);
    if (settings.outdoorTempEntity) targets.push(['temperature', 'outdoor']);
    for (const t of new Set(['site', ...this.loadTargets()])) targets.push(['load', t]);
    return targets.map(([kind, target]) => this.#store.accuracy(kind, target, now));
  }

  sweep(now: number): number {
    return this.#store.sweep(now - 35 * DAY);
  }
}
