import { defineModule } from '../module.ts';
import { AuditLog } from './audit-log.ts';

declare module '../module.ts' {
  interface ModuleApis {
    audit: AuditLog;
  }
}

/** Who did what: every command and every refusal. A failing write is a fault, shown in health. */
export const auditModule = defineModule({
  name: 'audit',
  async start(ctx) {
    const audit = new AuditLog(ctx.use('database'), ctx.now);
    await audit.prune();
    ctx.every(10_000, 'audit refusal summaries', () => audit.flushRefusals());
    ctx.every(3600_000, 'audit retention', () => audit.prune());
    return {
      api: audit,
      health: () =>
        audit.lastFailure
          ? { status: 'down', detail: `audit writes failing: ${audit.lastFailure.reason}` }
          : {
              status: 'ok',
              detail: `${audit.written} entries written since start; ${audit.aggregated} anonymous refusals aggregated, ${audit.pruned} pruned`,
            },
      stop: async () => {
        await audit.flushRefusals(true);
      },
      handlers: {
        'audit.list': async (p) => audit.list(p.limit, p.before),
      },
    };
  },
});
