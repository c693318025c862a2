import { defineModule } from '../module.ts';
import { createRulesHandlers } from './rules-handlers.ts';
import { RulesService } from './rules-service.ts';

declare module '../module.ts' {
  interface ModuleApis {
    rules: RulesService;
  }
}

const HOUR = 3600_000;

/** Rules, scenes and schedules: the engine on the bus, commands through the adapters, traces kept. */
export const rulesModule = defineModule({
  name: 'rules',
  async start(ctx) {
    const rules = new RulesService({
      collection: ctx.use('database').automations,
      dbFile: ctx.dbFile,
      bus: ctx.bus,
      registry: ctx.use('registry'),
      states: ctx.use('states'),
      adapters: ctx.use('adapters'),
      history: ctx.use('history'),
      site: ctx.config.site,
      log: ctx.log,
    });
    await rules.start();
    ctx.every(HOUR, 'rule trace retention', () => rules.traces.sweep(ctx.now()));
    return {
      api: rules,
      stop: () => rules.stop(),
      health: () => {
        const statuses = rules.engine.statuses();
        const stopped = statuses.filter((s) => s.health === 'loop_stopped');
        const missing = statuses.filter((s) => s.health === 'missing_entities');
        const summary = `${statuses.filter((s) => s.enabled).length} of ${statuses.length} rules enabled`;
        if (stopped.length + missing.length === 0) return { status: 'ok', detail: summary };
        return {
          status: 'degraded',
          detail: `${summary}; ${stopped.length} stopped by the loop guard, ${missing.length} using removed entities`,
        };
      },
      handlers: createRulesHandlers(rules),
      events: (emit) => {
        const offs = [
          ctx.bus.on('rule.status', ({ status }) => emit({ type: 'rule.status', status })),
          ctx.bus.on('rule.notify', (n) => emit({ type: 'rule.notify', ...n })),
        ];
        return () => offs.forEach((off) => off());
      },
    };
  },
});
