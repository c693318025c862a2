import type { SavedPrices } from './tariffs/dynamic/price-store.ts';
import { defineModule, type ModuleHealth } from '../module.ts';
import { ForecastStore } from './forecast/accuracy-store.ts';
import { MeterRepairStore } from './metering/repair-store.ts';
import { PriceStore } from './tariffs/dynamic/price-store.ts';
import { EnergyRepo } from './live/energy-repo.ts';
import { createEnergyHandlers } from './live/energy-handlers.ts';
import { EnergyService, type LiveBalance } from './live/energy-service.ts';
import { ForecastService } from './live/forecast-service.ts';
import { LiveMetering } from './live/live-metering.ts';
import { ReadingStore } from './live/reading-store.ts';
import { TariffService } from './live/tariff-service.ts';
import type { PlanInputs } from './plan-inputs.ts';

/** The energy module's api: everything in EnergyService, and the planner's inputs. */
export interface EnergyApi extends PlanInputs, EnergyService {}

declare module '../module.ts' {
  interface ModuleApis {
    energy: EnergyApi;
  }
}

declare module '../bus/event-bus.ts' {
  interface CoreEvents {
    'energy.balance': { balance: LiveBalance };
    'energy.prices': SavedPrices;
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** counters are repaired and stored in batches: one transaction per meter every few seconds */
const FLUSH_MS = 5 * SECOND;
/** the live balance goes to clients at most this often */
const BALANCE_MS = SECOND;
const FORECAST_MS = 15 * MINUTE;
const REFIT_MS = 6 * HOUR;
/** a forecast job that last failed, or did not run for this long, makes the module degraded */
const JOB_LATE_MS = 2 * REFIT_MS;

/**
 * Energy: metering made live (every family's energy counters through counter repair into
 * repaired readings, power into the live balance of the metering tree), tariffs and costs,
 * day-ahead prices from files and the broker topic, forecasts issued on a schedule with their
 * accuracy, and the planner's inputs. Documents in the `energy` collection; readings, prices,
 * corrections and forecasts in SQLite tables of the core's database file.
 */
export const energyModule = defineModule({
  name: 'energy',
  async start(ctx) {
    const registry = ctx.use('registry');
    const repo = new EnergyRepo(ctx.use('database').energy, ctx.now);
    await repo.load();
    const repair = new MeterRepairStore(ctx.dbFile, ctx.now);
    ctx.own(() => repair.close());
    const readings = new ReadingStore(ctx.dbFile);
    ctx.own(() => readings.close());
    const prices = new PriceStore(ctx.dbFile);
    ctx.own(() => prices.close());
    const forecastStore = new ForecastStore(ctx.dbFile);
    ctx.own(() => forecastStore.close());

    const site = ctx.config.site;
    const tariffs = new TariffService({ repo, prices, log: ctx.log, now: ctx.now, timezone: site.timezone });
    const metering = new LiveMetering({
      repair,
      readings,
      log: ctx.log,
      maxPowerW: () => repo.settings.maxCircuitPowerW,
    });
    const forecasts = new ForecastService({
      store: forecastStore,
      readings,
      history: ctx.use('history'),
      inputs: () => {
        const version = tariffs.context()?.versionOn(tariffs.today());
        return {
          settings: repo.settings,
          tree: repo.tree,
          site,
          isHoliday: version ? (d: string) => version.holidays.isHoliday(d) : undefined,
        };
      },
    });
    const energy = new EnergyService({
      repo,
      metering,
      tariffs,
      forecasts,
      repair,
      readings,
      now: ctx.now,
      site,
      onPrices: (saved) => ctx.bus.emit('energy.prices', saved),
    });
    tariffs.refreshFeed();

    // live metering: entities as registered now and as they change, states as they arrive
    for (const e of registry.entities.values()) metering.entityChanged(e);
    ctx.on('entity.changed', ({ entity }) => metering.entityChanged(entity));
    ctx.on('device.removed', ({ entityIds }) => entityIds.forEach((id) => metering.entityRemoved(id)));
    ctx.on('state.changed', ({ entityId, state }) => metering.stateChanged(entityId, state));
    ctx.every(FLUSH_MS, 'energy meter repair', () => metering.flush());
    ctx.own(() => metering.flush());
    ctx.every(BALANCE_MS, 'energy balance', () => {
      if (repo.tree) ctx.bus.emit('energy.balance', { balance: energy.balance() });
    });

    // day-ahead prices on the broker topic: subscribed on the broker's own bus, as the core's
    // other consumers are; the broker's ACL decides who may publish there at all
    const bus = ctx.use('broker').bus;
    let priceTopic: string | null = null;
    let unsubscribe: (() => void) | null = null;
    const followPriceTopic = () => {
      const topic = repo.settings.prices?.topic ?? null;
      if (topic === priceTopic) return;
      unsubscribe?.();
      unsubscribe = null;
      priceTopic = topic;
      if (!topic) return;
      unsubscribe = bus.subscribe(topic, (m) => {
        const r = tariffs.onPayload(m.topic, m.payload, m.clientId);
        if (r?.ok) energy.pricesChanged(r.saved);
      });
    };
    followPriceTopic();
    ctx.every(5 * SECOND, 'energy price topic', followPriceTopic);
    ctx.own(() => unsubscribe?.());

    // forecasts: refit from history, issue, record actuals; failures are kept for health
    const safely = (fn: () => unknown) => () => {
      try {
        fn();
      } catch (err) {
        ctx.log.warn({ reason: (err as Error).message }, 'energy forecast job failed');
      }
    };
    const startup = setTimeout(
      safely(() => {
        forecasts.refit(ctx.now());
        forecasts.issue(ctx.now());
      }),
      10 * SECOND,
    );
    startup.unref?.();
    ctx.own(() => clearTimeout(startup));
    ctx.every(
      REFIT_MS,
      'energy forecast refit',
      safely(() => forecasts.refit(ctx.now())),
    );
    ctx.every(
      FORECAST_MS,
      'energy forecasts',
      safely(() => {
        forecasts.recordActuals(ctx.now());
        forecasts.issue(ctx.now());
      }),
    );
    ctx.every(24 * HOUR, 'energy retention', () => {
      readings.sweep(ctx.now());
      forecasts.sweep(ctx.now());
    });

    const health = (): ModuleHealth => {
      const now = ctx.now();
      const problems = [...repo.problems, ...tariffs.problems(now)];
      const s = metering.stats;
      if (s.storeError) problems.push(`meter repair store failing: ${s.storeError}`);
      for (const [name, job] of Object.entries(forecasts.jobs)) {
        if (job.error) problems.push(`forecast ${name} failed: ${job.error}`);
        else if (job.at !== null && now - job.at > JOB_LATE_MS)
          problems.push(`forecast ${name} has not run since ${new Date(job.at).toISOString()}`);
      }
      const summary = `${metering.meters().length} meters, ${s.readings} readings repaired (${s.corrections} corrections)${s.dropped ? `, ${s.dropped} dropped in floods` : ''}`;
      if (s.storeError) return { status: 'down', detail: `${problems.join('; ')}; ${summary}` };
      return problems.length
        ? { status: 'degraded', detail: `${problems.join('; ')}; ${summary}` }
        : { status: 'ok', detail: summary };
    };

    return {
      api: energy,
      health,
      handlers: createEnergyHandlers(energy),
      events: (emit) => {
        const offs = [
          ctx.bus.on('energy.balance', ({ balance }) => emit({ type: 'energy.balance', balance })),
          ctx.bus.on('energy.prices', (p) =>
            emit({ type: 'energy.prices', series: p.series, from: p.from, to: p.to, count: p.count }),
          ),
        ];
        return () => offs.forEach((off) => off());
      },
    };
  },
});
