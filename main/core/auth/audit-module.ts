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
    return {
      api: audit,
      health: () =>
        audit.lastFailure
          ? { status: 'down', detail: `audit writes failing: ${audit.lastFailure.reason}` }
          : { status: 'ok', detail: `${audit.written} entries written since start` },
      handlers: {
        'audit.list': async (p) => audit.list(p.limit, p.before),
      },
    };
  },
});
