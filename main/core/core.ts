import { join } from 'node:path';
import type { Health, Snapshot } from '../../shared/api/methods.ts';
import type { AdapterHost } from './adapter-host/adapter-host.ts';
import { type AdapterSelection } from './adapter-host/adapter-host.ts';
import { adaptersModule } from './adapter-host/adapters-module.ts';
import { ApiService } from './api/api-service.ts';
import { auditModule } from './auth/audit-module.ts';
import { authModule } from './auth/auth-module.ts';
import { brokerModule } from './broker/broker-module.ts';
import { haExportModule } from './broker/ha-export-module.ts';
import { EventBus } from './bus/event-bus.ts';
import { energyModule } from './energy/energy-module.ts';
import { plannerModule } from './energy/planning/planner-module.ts';
import type { Config } from './config/config-schema.ts';
import { historyModule } from './history/history-module.ts';
import { ModuleHost } from './lifecycle/module-host.ts';
import type { CoreLogger } from './log/logger.ts';
import type { CoreModule, ModuleApis, ModuleName } from './module.ts';
import { registryModule } from './registry/registry-module.ts';
import { rulesModule } from './rules/rules-module.ts';
import { loadOrCreateKeyFile } from './secrets/key-file.ts';
import { secretsModule } from './secrets/secrets-module.ts';
import { siteSnapshot, stateModule } from './state/state-module.ts';
import { databaseModule } from './storage/database-module.ts';

export interface CoreOptions {
  config: Config;
  log: CoreLogger;
  /** the adapters the host picked, with their raw configs */
  adapters: AdapterSelection[];
  version: string;
  now?: () => number;
  /**
   * The master key for secrets at rest. Headless mode keeps it in a 0600 key file in the data
   * directory (the default); the desktop shell may wrap it with the OS keychain instead.
   */
  secretsKey?: () => Buffer;
}

/**
 * The core's features, in start order: each may use those before it, and they stop in reverse.
 * Adding a feature is adding its module here (see module.ts).
 */
export function coreModules(adapters: AdapterSelection[]): CoreModule[] {
  return [
    databaseModule,
    historyModule,
    secretsModule,
    auditModule,
    authModule,
    registryModule,
    stateModule,
    brokerModule,
    adaptersModule(adapters),
    haExportModule,
    rulesModule,
    energyModule,
    plannerModule,
  ];
}

/**
 * The core: one process owning storage, history, auth, the broker and the adapters. It knows no
 * host (no HTTP server, no Electron) and no adapter by name; hosts hand those in and talk to it
 * through `api`.
 */
export class Core {
  readonly config: Config;
  readonly log: CoreLogger;
  readonly bus: EventBus;
  readonly #now: () => number;
  readonly #modules: ModuleHost;
  readonly #startedAt: number;
  readonly #version: string;
  #api: ApiService | null = null;
  #state: Health['status'] = 'starting';

  constructor(opts: CoreOptions) {
    this.config = opts.config;
    this.log = opts.log;
    this.#now = opts.now ?? Date.now;
    this.#version = opts.version;
    this.#startedAt = this.#now();
    this.bus = new EventBus((err, event) => this.log.error({ err, event }, 'event subscriber failed'));
    const secretsKey = opts.secretsKey ?? (() => loadOrCreateKeyFile(this.config.dataDir));
    this.#modules = new ModuleHost(coreModules(opts.adapters), {
      config: this.config,
      log: this.log,
      bus: this.bus,
      now: this.#now,
      dbFile: join(this.config.dataDir, 'truss.db'),
      secretsKey,
      health: () => this.health(),
    });
  }

  /** a started module's api (`core.use('registry')`) */
  use<K extends ModuleName>(name: K): ModuleApis[K] {
    return this.#modules.use(name);
  }

  get api(): ApiService {
    if (!this.#api) throw new Error('the core is not started');
    return this.#api;
  }

  /** the adapter host: commissioning, commands, diagnostics */
  get adapters(): AdapterHost {
    return this.use('adapters');
  }

  /** the broker's listeners: plain TCP, TLS and WebSocket ports (null when off) */
  get mqttListeners(): { port: number; tlsPort: number | null; wsPort: number | null } {
    return this.use('broker').listeners;
  }

  get mqttPort(): number {
    return this.mqttListeners.port;
  }

  async start(): Promise<void> {
    await this.#modules.start();
    try {
      this.#api = new ApiService({
        handlers: {
          ...this.#modules.handlers(),
          'system.health': async () => this.health(),
        },
        audit: this.use('audit'),
        log: this.log.child({ service: 'api' }),
        subscribe: (listener) => this.#modules.subscribe(listener),
      });
    } catch (err) {
      await this.#modules.stop();
      throw err;
    }
    this.#state = 'ok';
    this.log.info({ dataDir: this.config.dataDir, mqttPort: this.mqttPort }, 'core started');
  }

  /** Stops everything in reverse order; buffered history and logs are written before it returns. */
  async stop(): Promise<void> {
    this.#state = 'stopping';
    await this.#modules.stop();
    this.log.info({}, 'core stopped');
    await this.log.flush();
  }

  /** Everything a freshly connected UI needs to draw the site. */
  snapshot(): Snapshot {
    return siteSnapshot(this.use('registry'), this.use('states'));
  }

  health(): Health {
    const services = this.#modules.health();
    const degraded = Object.values(services).some((s) => s.status === 'degraded' || s.status === 'down');
    return {
      status: this.#state === 'ok' && degraded ? 'degraded' : this.#state,
      version: this.#version,
      uptimeS: Math.round((this.#now() - this.#startedAt) / 1000),
      services: Object.fromEntries(
        Object.entries(services).map(([k, v]) => [k, { status: v.status, detail: v.detail }]),
      ),
    };
  }
}
