import type { z } from 'zod';
import type { Logger } from '../../../shared/adapter/contract.ts';
import type { ApiEvent } from '../../../shared/api/events.ts';
import { isMethodName, METHODS, roleAllows, type MethodName } from '../../../shared/api/methods.ts';
import { AdapterRefusal } from '../../../shared/adapter/contract.ts';
import type { AuditLog } from '../auth/audit-log.ts';
import { CoreError } from '../errors.ts';
import type { CallContext, Handler, Handlers } from '../module.ts';
import { ApiFailure } from './api-failure.ts';

export type { CallContext, Handler, Handlers };

/** Errors the core's domain code and the adapters throw, as the API reports them. */
export function toApiFailure(err: unknown): ApiFailure | null {
  if (err instanceof ApiFailure) return err;
  if (err instanceof CoreError) return new ApiFailure(err.code, err.message, err.issues);
  if (err instanceof AdapterRefusal) return new ApiFailure(err.code, err.message);
  return null;
}

/** Handlers missing from a list that must answer every method of the contract. */
export function missingHandlers(handlers: Partial<Handlers>): MethodName[] {
  return (Object.keys(METHODS) as MethodName[]).filter((m) => typeof handlers[m] !== 'function');
}

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
  readonly #subscribe: (listener: (evt: ApiEvent) => void) => () => void;

  constructor(opts: {
    handlers: Partial<Handlers>;
    audit: AuditLog;
    log: Logger;
    /** the modules' events, mapped onto API events */
    subscribe: (listener: (evt: ApiEvent) => void) => () => void;
  }) {
    const missing = missingHandlers(opts.handlers);
    if (missing.length > 0) throw new Error(`API methods without a handler: ${missing.join(', ')}`);
    this.#handlers = opts.handlers as Handlers;
    this.#audit = opts.audit;
    this.#log = opts.log;
    this.#subscribe = opts.subscribe;
  }

  async call(method: string, rawParams: unknown, ctx: CallContext): Promise<unknown> {
    if (!isMethodName(method))
      throw new ApiFailure('not_found', `Unknown method "${String(method).slice(0, 64)}".`);
    const spec = METHODS[method];
    const actor = ctx.session?.user.username ?? 'anonymous';
    const role = ctx.session?.user.role ?? 'none';

    if (spec.access !== 'public') {
      if (!ctx.session) {
        try {
          await this.#audit.recordAnonymousRefusal(
            { actor, role, action: method, target: null, outcome: 'denied', detail: 'not logged in' },
            ctx.source,
          );
        } catch (err) {
          this.#log.error({ err, action: method }, 'audit write failed');
        }
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
      if (spec.audited) {
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
    } catch (caught) {
      const err = toApiFailure(caught);
      if (err) {
        if (spec.audited) {
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
      if (isDatabaseDamage(caught)) {
        // a damaged page (quick_check reports it in health): say so, a 503 rather than a 500
        this.#log.error({ err: caught, method }, 'database damaged');
        await this.#record(method, actor, role, 'error', 'database damaged', target);
        throw new ApiFailure(
          'unavailable',
          'Part of the database is damaged, so this cannot be answered now; system health names the file and the way back.',
        );
      }
      this.#log.error({ err: caught, method }, 'API handler failed');
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
    return this.#subscribe(listener);
  }
}

/** SQLite's SQLITE_CORRUPT (11) or SQLITE_NOTADB (26), also wrapped as a cause. */
export function isDatabaseDamage(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const e = err as { errcode?: unknown; message?: unknown; cause?: unknown };
  if (e.errcode === 11 || e.errcode === 26) return true;
  if (
    typeof e.message === 'string' &&
    /database disk image is malformed|file is not a database/.test(e.message)
  )
    return true;
  return isDatabaseDamage(e.cause, depth + 1);
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
