import type { Logger } from '../../shared/adapter/contract.ts';
import type { ApiEvent } from '../../shared/api/events.ts';
import type { Health, MethodName, ParamsOut, Result } from '../../shared/api/methods.ts';
import type { Session } from './auth/auth-service.ts';
import type { CoreEvents, EventBus } from './bus/event-bus.ts';
import type { Config } from './config/config-schema.ts';

/**
 * The shape of every feature of the core (DESIGN.md, "a feature module"). Registry, state,
 * history, broker, adapters, rules, energy, alarms, sync... are each one `CoreModule`, and
 * `core.ts` is only their list, in start order.
 *
 * A module:
 * - starts with a `ModuleContext`: configuration, log, bus, clock, and the public face (`api`) of
 *   the modules listed before it (`ctx.use('registry')`);
 * - owns its timers and bus subscriptions through the context (`ctx.every`, `ctx.on`, `ctx.own`),
 *   so stopping it releases them; nothing else schedules work on its behalf;
 * - returns its instance: its public `api` for later modules and hosts, its `health` (a real
 *   check, never a constant "ok"), its API `handlers` (the methods it answers, declared in its own
 *   file under shared/api/methods/), and `events` mapping its bus events onto API events.
 *
 * Adding a feature: a folder under main/core with its logic and a `<feature>-module.ts` that
 * exports the module and declares its api type by merging into `ModuleApis`:
 *
 *     declare module '../module.ts' { interface ModuleApis { energy: EnergyService } }
 *
 * then one line in core.ts's list. Domain code throws `CoreError` (errors.ts); it never imports
 * from api/.
 */

/** The public face of each module, by name. Each module adds its own entry (declaration merging). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleApis {}
export type ModuleName = keyof ModuleApis;

export interface ModuleHealth {
  status: 'ok' | 'degraded' | 'down' | 'starting' | 'stopped';
  detail: string | null;
}

/** Who is calling, through which pipe (the audit trail names both). */
export interface CallContext {
  session: Session | null;
  transport: 'ws' | 'http' | 'ipc';
  /** the caller's network address (HTTP/WS), for per-source throttles; absent on IPC */
  source?: string;
}

export type Handler<M extends MethodName> = (params: ParamsOut<M>, ctx: CallContext) => Promise<Result<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };
/** the methods a module answers: each method is answered by exactly one module */
export type ModuleHandlers = Partial<Handlers>;

export interface ModuleContext {
  readonly config: Config;
  /** the core's log, bound to this module's name */
  readonly log: Logger;
  readonly bus: EventBus;
  now(): number;
  readonly dataDir: string;
  /** the SQLite file shared by the document store, history and the features' own tables */
  readonly dbFile: string;
  /** the master key for secrets at rest */
  secretsKey(): Buffer;
  /**
   * The api of another module. At start, only modules listed before this one are available;
   * from handlers and timers (which run once the core is up) every started module is.
   */
  use<K extends ModuleName>(name: K): ModuleApis[K];
  /** whether a module by that name runs in this core (optional features) */
  has(name: ModuleName): boolean;
  /** release something when the module stops (released in reverse order of ownership) */
  own(release: () => unknown): void;
  /** a bus subscription, released when the module stops */
  on<K extends keyof CoreEvents>(event: K, handler: (payload: CoreEvents[K]) => void): void;
  /** repeated work, released when the module stops; failures are logged, never thrown */
  every(ms: number, what: string, fn: () => unknown): void;
  /** the core's health as a whole (for the health API and for features that report it) */
  health(): Health;
}

export interface ModuleInstance<Api> {
  api: Api;
  health?(): ModuleHealth;
  handlers?: ModuleHandlers;
  /** forwards this module's bus events to one API client; returns the unsubscribe */
  events?(emit: (evt: ApiEvent) => void): () => void;
  /**
   * Called on every module, in reverse order, when the core begins to stop and before any module
   * stops: the moment to take the site's last picture (later changes are shutdown noise, such as
   * devices dropping off a closing broker).
   */
  quiesce?(): void | Promise<void>;
  /** runs before the owned resources are released (flush, close) */
  stop?(): Promise<void>;
}

export interface CoreModule<K extends ModuleName = ModuleName> {
  readonly name: K;
  start(ctx: ModuleContext): Promise<ModuleInstance<ModuleApis[K]>>;
}

/** Types the module's name against its api (the function only helps inference). */
export function defineModule<K extends ModuleName>(module: CoreModule<K>): CoreModule<K> {
  return module;
}
