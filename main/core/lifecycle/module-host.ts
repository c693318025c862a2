import type { ApiEvent } from '../../../shared/api/events.ts';
import type { Health } from '../../../shared/api/methods.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { Config } from '../config/config-schema.ts';
import type { CoreLogger } from '../log/logger.ts';
import type {
  CoreModule,
  ModuleApis,
  ModuleContext,
  ModuleHandlers,
  ModuleHealth,
  ModuleInstance,
  ModuleName,
} from '../module.ts';

export interface ModuleHostOptions {
  config: Config;
  log: CoreLogger;
  bus: EventBus;
  now: () => number;
  dbFile: string;
  secretsKey: () => Buffer;
  /** the core's health as a whole, handed to modules that serve or report it */
  health: () => Health;
}

interface Started {
  module: CoreModule;
  instance: ModuleInstance<unknown>;
  /** what the module owns, released in reverse order at stop */
  owned: Array<{ what: string; release: () => unknown }>;
  /** scheduled work whose last run failed, with why (cleared by a run that succeeds) */
  failing: Map<string, string>;
}

/**
 * Starts modules in list order (each may use those before it) and stops them in reverse: the
 * module's own `stop` first, then everything it owns (timers, subscriptions, resources). A module
 * that fails to start stops the ones already started, so the process is never left half-running.
 */
export class ModuleHost {
  readonly #o: ModuleHostOptions;
  readonly #modules: CoreModule[];
  readonly #started: Started[] = [];
  readonly #byName = new Map<string, Started>();
  #stopping: Promise<void> | null = null;

  constructor(modules: CoreModule[], opts: ModuleHostOptions) {
    const names = new Set<string>();
    for (const m of modules) {
      if (names.has(m.name)) throw new Error(`two modules are named "${m.name}"`);
      names.add(m.name);
    }
    this.#modules = modules;
    this.#o = opts;
  }

  async start(): Promise<void> {
    for (const module of this.#modules) {
      const t0 = performance.now();
      const started: Started = { module, instance: { api: undefined }, owned: [], failing: new Map() };
      try {
        started.instance = await module.start(this.#context(module, started));
      } catch (err) {
        this.#o.log.error({ module: module.name, err }, 'module failed to start; stopping the others');
        await this.#release(started);
        await this.stop();
        throw new Error(`${module.name} failed to start: ${(err as Error).message}`, { cause: err });
      }
      this.#started.push(started);
      this.#byName.set(module.name, started);
      this.#o.log.info({ module: module.name, ms: Math.round(performance.now() - t0) }, 'module started');
    }
  }

  #context(module: CoreModule, self: Started): ModuleContext {
    const { config, log, bus, now, dbFile, secretsKey, health } = this.#o;
    const own = (what: string, release: () => unknown) => self.owned.push({ what, release });
    const moduleLog = log.child({ module: module.name });
    return {
      config,
      log: moduleLog,
      bus,
      now,
      dataDir: config.dataDir,
      dbFile,
      secretsKey,
      health,
      use: <K extends ModuleName>(name: K) => this.use(name),
      has: (name) => this.#modules.some((m) => m.name === name),
      own: (release) => own('resource', release),
      on: (event, handler) => own(`subscription ${event}`, bus.on(event, handler)),
      every: (ms, what, fn) => {
        const timer = setInterval(() => {
          Promise.resolve()
            .then(fn)
            .then(
              () => self.failing.delete(what),
              (err: unknown) => {
                self.failing.set(what, (err as Error)?.message ?? String(err));
                moduleLog.error({ err, what }, 'scheduled work failed');
              },
            );
        }, ms);
        timer.unref();
        own(`timer ${what}`, () => clearInterval(timer));
      },
    };
  }

  /** a started module's api; throws for one that is not (yet) started */
  use<K extends ModuleName>(name: K): ModuleApis[K] {
    const started = this.#byName.get(name);
    if (!started) throw new Error(`module "${name}" is not started`);
    return started.instance.api as ModuleApis[K];
  }

  has(name: ModuleName): boolean {
    return this.#byName.has(name);
  }

  /** every started module's API handlers, merged; a method answered twice is a wiring error */
  handlers(): ModuleHandlers {
    const out: Record<string, unknown> = {};
    const owner: Record<string, string> = {};
    for (const { module, instance } of this.#started) {
      for (const [method, handler] of Object.entries(instance.handlers ?? {})) {
        if (owner[method])
          throw new Error(`API method ${method} is answered by both ${owner[method]} and ${module.name}`);
        owner[method] = module.name;
        out[method] = handler;
      }
    }
    return out as ModuleHandlers;
  }

  /** subscribes one API client to every module's events */
  subscribe(emit: (evt: ApiEvent) => void): () => void {
    const offs = this.#started.flatMap(({ instance }) => (instance.events ? [instance.events(emit)] : []));
    return () => offs.forEach((off) => off());
  }

  /** Idempotent: a second call (a second signal) waits for the first shutdown. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #stopAll(): Promise<void> {
    for (const started of [...this.#started].reverse()) {
      try {
        await started.instance.quiesce?.();
      } catch (err) {
        this.#o.log.error({ module: started.module.name, err }, 'module failed to quiesce');
      }
    }
    while (this.#started.length > 0) {
      const started = this.#started.pop()!;
      this.#byName.delete(started.module.name);
      await this.#release(started);
      this.#o.log.info({ module: started.module.name }, 'module stopped');
    }
  }

  async #release(started: Started): Promise<void> {
    const name = started.module.name;
    try {
      await started.instance.stop?.();
    } catch (err) {
      this.#o.log.error({ module: name, err }, 'module failed to stop cleanly');
    }
    while (started.owned.length > 0) {
      const { what, release } = started.owned.pop()!;
      try {
        await release();
      } catch (err) {
        this.#o.log.error({ module: name, what, err }, 'failed to release');
      }
    }
  }

  /**
   * Each module's own health check, degraded while any of its scheduled work keeps failing.
   * Modules with neither are not listed: a service shows "ok" only because something checked it.
   */
  health(): Record<string, ModuleHealth> {
    const out: Record<string, ModuleHealth> = {};
    for (const module of this.#modules) {
      const started = this.#byName.get(module.name);
      if (!started) {
        out[module.name] = { status: this.#stopping ? 'stopped' : 'starting', detail: null };
        continue;
      }
      const failing = [...started.failing].map(([what, why]) => `${what} failing: ${why}`).join('; ');
      let own: ModuleHealth | null = null;
      try {
        own = started.instance.health?.() ?? null;
      } catch (err) {
        own = { status: 'down', detail: `health check failed: ${(err as Error).message}` };
      }
      if (!failing) {
        if (own) out[module.name] = own;
        continue;
      }
      out[module.name] = {
        status: own?.status === 'down' ? 'down' : 'degraded',
        detail: own?.detail ? `${own.detail}; ${failing}` : failing,
      };
    }
    return out;
  }
}
