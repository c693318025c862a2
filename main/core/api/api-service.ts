import type { z } from 'zod';
import type { Logger } from '../../../shared/adapter/contract.ts';
import type { ApiEvent } from '../../../shared/api/events.ts';
import {
  isMethodName,
  METHODS,
  roleAllows,
  type MethodName,
  type ParamsOut,
  type Result,
} from '../../../shared/api/methods.ts';
import type { AuditLog } from '../auth/audit-log.ts';
import type { Session } from '../auth/auth-service.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { ApiFailure } from './api-failure.ts';

export interface CallContext {
  session: Session | null;
  /** which pipe the call came through, for the audit trail */
  transport: 'ws' | 'http' | 'ipc';
}

export type Handler<M extends MethodName> = (params: ParamsOut<M>, ctx: CallContext) => Promise<Result<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };

/** Reads and session plumbing are not audited; everything that changes something, and every refusal, is. */
const UNAUDITED = new Set<MethodName>([
  'auth.status',
  'auth.me',
  'site.snapshot',
  'system.health',
  'history.query',
  'user.list',
  'audit.list',
  'rules.list',
  'rules.get',
  'rules.traces',
  'rules.replay',
  'scenes.list',
  'schedules.list',
  'automations.export',
]);

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(params)', message: i.message }));
}

/**
 * The single entry for every call from every transport: the method must exist, the params must
 * validate, the caller's role must allow it, and the outcome is written to the audit log.
 */
export class ApiService {
  readonly #handlers: Handlers;
  readonly #audit: AuditLog;
  readonly #log: Logger;
  readonly #bus: EventBus;

  constructor(opts: { handlers: Handlers; audit: AuditLog; log: Logger; bus: EventBus }) {
    this.#handlers = opts.handlers;
    this.#audit = opts.audit;
    this.#log = opts.log;
    this.#bus = opts.bus;
  }

  async call(method: string, rawParams: unknown, ctx: CallContext): Promise<unknown> {
    if (!isMethodName(method))
      throw new ApiFailure('not_found', `Unknown method "${String(method).slice(0, 64)}".`);
    const spec = METHODS[method];
    const actor = ctx.session?.user.username ?? 'anonymous';
    const role = ctx.session?.user.role ?? 'none';

    if (spec.access !== 'public') {
      if (!ctx.session) {
        await this.#record(method, actor, role, 'denied', 'not logged in', null);
        throw new ApiFailure('unauthenticated', 'Log in first.');
      }
      if (!roleAllows(spec.access, ctx.session.user.role)) {
        await this.#record(method, actor, role, 'denied', `role ${role} may not`, null);
        throw new ApiFailure('forbidden', `Your role (${role}) may not do this.`);
      }
    }

    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw new ApiFailure('bad_request', `Invalid parameters for ${method}.`, issuesOf(parsed.error));
    }
    const target = targetOf(parsed.data);
    try {
      const handler = this.#handlers[method] as Handler<typeof method>;
      const result = await handler(parsed.data as never, ctx);
      if (!UNAUDITED.has(method)) {
        const who =
          method === 'auth.setup' || method === 'auth.login'
            ? (parsed.data as { username: string }).username
            : actor;
        await this.#record(
          method,
          who,
          ctx.session?.user.role ?? (method === 'auth.setup' ? 'admin' : role),
          'ok',
          null,
          target,
        );
      }
      return result;
    } catch (err) {
      if (err instanceof ApiFailure) {
        if (!UNAUDITED.has(method)) {
          const who = method === 'auth.login' ? (parsed.data as { username: string }).username : actor;
          await this.#record(
            method,
            who,
            role,
            err.code === 'forbidden' ? 'denied' : 'error',
            err.message,
            target,
          );
        }
        throw err;
      }
      this.#log.error({ err, method }, 'API handler failed');
      await this.#record(method, actor, role, 'error', 'internal error', target);
      throw new ApiFailure('internal', 'Something went wrong inside Truss; the details are in its log.');
    }
  }

  async #record(
    action: string,
    actor: string,
    role: string,
    outcome: 'ok' | 'denied' | 'error',
    detail: string | null,
    target: string | null,
  ): Promise<void> {
    try {
      await this.#audit.record({ actor, role, action, target, outcome, detail });
    } catch (err) {
      this.#log.error({ err, action }, 'audit write failed');
    }
  }

  /** Domain events as API events, for subscribed clients. */
  subscribe(listener: (evt: ApiEvent) => void): () => void {
    const offs = [
      this.#bus.on('state.changed', ({ entityId, state }) => listener({ type: 'state', entityId, state })),
      this.#bus.on('device.changed', ({ device }) => listener({ type: 'device', device })),
      this.#bus.on('device.removed', ({ deviceId }) => listener({ type: 'device.removed', deviceId })),
      this.#bus.on('entity.changed', ({ entity }) => listener({ type: 'entity', entity })),
      this.#bus.on('zone.changed', ({ zone }) => listener({ type: 'zone', zone })),
      this.#bus.on('zone.removed', ({ zoneId }) => listener({ type: 'zone.removed', zoneId })),
      this.#bus.on('candidate.changed', ({ adapter, candidate }) =>
        listener({ type: 'candidate', adapter, candidate }),
      ),
      this.#bus.on('candidate.removed', ({ adapter, candidateId }) =>
        listener({ type: 'candidate.removed', adapter, candidateId }),
      ),
      this.#bus.on('commissioning.window', ({ adapter, openUntil }) =>
        listener({ type: 'commissioning.window', adapter, openUntil }),
      ),
      this.#bus.on('rule.status', ({ status }) => listener({ type: 'rule.status', status })),
      this.#bus.on('rule.notify', (n) => listener({ type: 'rule.notify', ...n })),
      this.#bus.on('firmware.progress', (p) => listener({ type: 'firmware.progress', ...p })),
    ];
    return () => offs.forEach((off) => off());
  }
}

/** The object a call acts on, for the audit log. */
function targetOf(params: unknown): string | null {
  if (typeof params !== 'object' || params === null) return null;
  const p = params as Record<string, unknown>;
  for (const key of [
    'entityId',
    'deviceId',
    'zoneId',
    'userId',
    'username',
    'ruleId',
    'sceneId',
    'scheduleId',
    'name',
  ]) {
    if (typeof p[key] === 'string') return `${key}=${p[key]}`;
  }
  return null;
}
