import { DemandResponse } from '../../../../shared/energy/plan-settings.ts';
import { defineModule, type ModuleHealth } from '../../module.ts';
import { PlanSolver } from '../optimiser/plan-solver.ts';
import { PlanExecutor } from './plan-executor.ts';
import { PlanStore } from './plan-store.ts';
import { createPlannerHandlers } from './planner-handlers.ts';
import { PlannerService } from './planner-service.ts';
import type { SiteReadings } from './site-problem.ts';

declare module '../../module.ts' {
  interface ModuleApis {
    planner: PlannerService;
  }
}

declare module '../../bus/event-bus.ts' {
  interface CoreEvents {
    'plan.updated': { at: number; status: 'optimal' | 'fallback'; reason: string };
  }
}

const MINUTE = 60_000;
const START_GRACE_MS = 5 * MINUTE;
/** a demand-response payload larger than this is refused unread */
const MAX_DR_PAYLOAD = 4096;

/**
 * The planner: the energy plan for the site's flexible assets (battery, EV, hot water, heat-pump
 * zones, appliances), made by the optimiser from the energy module's `PlanInputs`, re-planned on
 * a receding horizon, explained per slot and, in `execute` mode, carried out through the adapter
 * host's command path with an audit entry per command. Demand-response caps arrive by API call or
 * on an MQTT topic. Its tables live in the core's SQLite file.
 */
export const plannerModule = defineModule({
  name: 'planner',
  async start(ctx) {
    const startedAt = ctx.now();
    const store = new PlanStore(ctx.dbFile);
    ctx.own(() => store.close());
    const solver = new PlanSolver();
    ctx.own(() => solver.close());
    const energy = ctx.use('energy');
    const states = ctx.use('states');
    const audit = ctx.use('audit');
    const readings: SiteReadings = {
      number: (id) => {
        const v = states.get(id);
        if (!v || v.quality === 'unavailable') return null;
        // a thermostat's state is a record; its measured temperature is `current`
        const x = typeof v.value === 'object' && v.value !== null ? v.value.current : v.value;
        return typeof x === 'number' && Number.isFinite(x) ? x : null;
      },
      on: (id) => {
        const v = states.get(id)?.value;
        if (typeof v === 'boolean') return v;
        if (typeof v === 'string') return ['on', 'true', 'plugged', 'connected'].includes(v.toLowerCase());
        return null;
      },
    };
    const executor = new PlanExecutor({
      execute: (entityId, command) => ctx.use('adapters').execute(entityId, command),
      audit: async (e) => {
        await audit.record({ actor: 'planner', role: 'system', action: 'plan.command', ...e });
      },
    });
    ctx.own(() => executor.stop());
    const planner = new PlannerService({
      store,
      inputs: () => energy,
      readings,
      solver,
      executor,
      now: ctx.now,
      log: ctx.log,
      currency: () => energy.overview().currency,
      history: ctx.use('history'),
      outdoorEntity: () => energy.settings().outdoorTempEntity,
      onPlan: (view, reason) =>
        ctx.bus.emit('plan.updated', { at: view.createdAt, status: view.status, reason }),
    });

    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        await planner.tick();
      } finally {
        busy = false;
      }
    };
    ctx.every(MINUTE, 'energy plan', tick);
    const first = setTimeout(
      () => void tick().catch((err: Error) => ctx.log.warn({ reason: err.message }, 'energy plan failed')),
      15_000,
    );
    first.unref?.();
    ctx.own(() => clearTimeout(first));
    ctx.on('energy.prices', () => {
      if (planner.settings().mode !== 'off')
        void planner.replan('new day-ahead prices').catch(() => undefined);
    });
    ctx.on('energy.balance', ({ balance }) => {
      if (balance.tree) planner.importSample(ctx.now(), balance.tree.balance.gridImport);
    });

    // demand response on the broker: the ACL decides who may publish there; the settings narrow it
    const bus = ctx.use('broker').bus;
    let topic: string | null = null;
    let unsubscribe: (() => void) | null = null;
    let refused = 0;
    let lastRefusal: string | null = null;
    const refuse = (why: string) => {
      refused++;
      lastRefusal = why;
      ctx.log.warn({ reason: why }, 'demand-response message refused');
    };
    const follow = () => {
      const s = planner.settings();
      if (s.drTopic === topic) return;
      unsubscribe?.();
      unsubscribe = null;
      topic = s.drTopic;
      if (!topic) return;
      unsubscribe = bus.subscribe(topic, (m) => {
        const publishers = planner.settings().drPublishers;
        if (publishers.length && !publishers.includes(m.clientId ?? ''))
          return refuse(
            `publisher "${m.clientId ?? '?'}" is not among the allowed demand-response publishers`,
          );
        if (m.payload.length > MAX_DR_PAYLOAD) return refuse(`payload of ${m.payload.length} bytes`);
        let json: unknown;
        try {
          json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(m.payload));
        } catch {
          return refuse('payload is not UTF-8 JSON');
        }
        const parsed = DemandResponse.safeParse(json);
        if (!parsed.success)
          return refuse(
            parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; '),
          );
        planner
          .demandResponse(parsed.data, `mqtt:${m.clientId ?? '?'}`)
          .catch((err: Error) => refuse(err.message));
      });
    };
    follow();
    ctx.every(5_000, 'demand-response topic', follow);
    ctx.own(() => unsubscribe?.());

    const health = (): ModuleHealth => {
      const st = planner.status();
      if (st.mode === 'off') return { status: 'ok', detail: 'planner off' };
      const problems: string[] = [];
      // the energy module's forecasts take a few seconds to minutes after start: a plan that waits
      // for them then is not a fault yet
      if (st.error && ctx.now() - startedAt < START_GRACE_MS && !planner.plan)
        return { status: 'ok', detail: `${st.mode}; waiting for the energy module: ${st.error}` };
      if (st.error) problems.push(`planning failed: ${st.error}`);
      if (planner.plan?.status === 'fallback') problems.push(`fallback: ${planner.plan.fallbackReason}`);
      if (st.lastPlanAt !== null && ctx.now() - st.lastPlanAt > 3 * planner.settings().replanMinutes * MINUTE)
        problems.push(`no plan since ${new Date(st.lastPlanAt).toISOString()}`);
      if (executor.lastError) problems.push(`last command failed: ${executor.lastError}`);
      if (lastRefusal) problems.push(`${refused} demand-response messages refused (last: ${lastRefusal})`);
      const summary = `${st.mode}; ${planner.plan ? `plan of ${new Date(planner.plan.createdAt).toISOString()} (${planner.plan.status})` : 'no plan yet'}; ${executor.sent} commands sent`;
      return problems.length
        ? { status: 'degraded', detail: `${problems.join('; ')}; ${summary}` }
        : { status: 'ok', detail: summary };
    };

    return {
      api: planner,
      health,
      handlers: createPlannerHandlers(planner),
      events: (emit) => {
        const off = ctx.bus.on('plan.updated', (e) => emit({ type: 'plan.updated', ...e }));
        return off;
      },
    };
  },
});
