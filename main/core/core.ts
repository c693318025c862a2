import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Health, Snapshot } from '../../shared/api/methods.ts';
import { AdapterHost, type AdapterSelection } from './adapter-host/adapter-host.ts';
import { createHandlers } from './api/handlers.ts';
import { ApiService } from './api/api-service.ts';
import { AuditLog } from './auth/audit-log.ts';
import { AuthService } from './auth/auth-service.ts';
import { loadOrCreateSiteTls } from './broker/site-ca.ts';
import { createHaExport } from './broker/ha-export.ts';
import {
  brokerNames,
  createAclOracle,
  createBroker,
  createCommissioningHook,
  type AclOracle,
  type Broker,
} from './broker/index.ts';
import { EventBus } from './bus/event-bus.ts';
import type { Config } from './config/config-schema.ts';
import { openTimeSeriesStore, type TimeSeriesStore } from './history/index.ts';
import type { CoreLogger } from './log/logger.ts';
import { ServiceHost } from './lifecycle/service-host.ts';
import { DeviceRegistry } from './registry/device-registry.ts';
import { StateStore } from './state/state-store.ts';
import { createDbCredentialStore } from './storage/credential-store.ts';
import { loadOrCreateKeyFile } from './secrets/key-file.ts';
import { EncryptedSecretStore } from './secrets/secret-store.ts';
import { openDatabase, type TrussDatabase } from './storage/database.ts';
import { getRxStorageNodeSqlite } from './storage/sqlite-rxstorage/index.ts';
import { RulesService } from './rules/rules-service.ts';

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

const HOUR = 3600_000;

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
  readonly #services: ServiceHost;
  readonly #startedAt: number;
  readonly #version: string;
  readonly #selections: AdapterSelection[];
  readonly #secretsKey: () => Buffer;
  #db: TrussDatabase | null = null;
  #history: TimeSeriesStore | null = null;
  #broker: Broker | null = null;
  #mqttPort = 0;
  #mqttTlsPort: number | null = null;
  #mqttWsPort: number | null = null;
  #siteCaPem: string | null = null;
  #haExport: { exporter: ReturnType<typeof createHaExport>; offs: Array<() => void> } | null = null;
  #acl: AclOracle | null = null;
  #parts: {
    auth: AuthService;
    audit: AuditLog;
    registry: DeviceRegistry;
    states: StateStore;
    adapters: AdapterHost;
    api: ApiService;
  } | null = null;
  #timers: NodeJS.Timeout[] = [];
  #rules: RulesService | null = null;
  #state: Health['status'] = 'starting';

  constructor(opts: CoreOptions) {
    this.config = opts.config;
    this.log = opts.log;
    this.#now = opts.now ?? Date.now;
    this.#version = opts.version;
    this.#selections = opts.adapters;
    this.#secretsKey = opts.secretsKey ?? (() => loadOrCreateKeyFile(this.config.dataDir));
    this.#startedAt = this.#now();
    this.bus = new EventBus((err, event) => this.log.error({ err, event }, 'event subscriber failed'));
    this.#services = new ServiceHost(this.log);
    this.#defineServices();
  }

  #defineServices(): void {
    const { dataDir } = this.config;
    const dbFile = join(dataDir, 'truss.db');
    this.#services.add({
      name: 'database',
      start: async () => {
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        this.#db = await openDatabase(getRxStorageNodeSqlite({ databaseFile: dbFile }));
      },
      stop: async () => {
        await this.#db?.close();
      },
    });
    this.#services.add({
      name: 'history',
      start: async () => {
        this.#history = openTimeSeriesStore({
          file: dbFile,
          flushIntervalMs: this.config.history.flushIntervalMs,
          now: this.#now,
          log: this.log.child({ service: 'history' }),
        });
      },
      // close() flushes: a graceful shutdown writes every buffered sample.
      stop: async () => this.#history?.close(),
      health: () => {
        const s = this.#history!.stats();
        return {
          status: 'ok',
          detail: `${s.written} samples written, ${s.buffered} buffered, ${s.rejected} rejected`,
        };
      },
    });
    this.#services.add({
      name: 'registry',
      start: async () => {
        const db = this.#db!;
        const auth = new AuthService(db, this.#now);
        await auth.load();
        const audit = new AuditLog(db, this.#now);
        const registry = new DeviceRegistry(db, this.bus, this.#now);
        await registry.load();
        const states = new StateStore(this.bus, this.#history!);
        const secrets = new EncryptedSecretStore(db, this.#secretsKey());
        const adapters = new AdapterHost({
          bus: this.bus,
          secrets: (adapterId) => secrets.scoped(adapterId),
          dataDir: this.config.dataDir,
          selections: this.#selections,
          registry,
          states,
          log: this.log,
          now: this.#now,
          mqtt: () => ({
            bus: this.broker.bus,
            acl: this.#acl!,
            commissioning: createCommissioningHook(this.broker, () => ({
              host: this.config.mqtt.host,
              port: this.#mqttPort,
              tlsPort: this.#mqttTlsPort,
            })),
          }),
        });
        const api = new ApiService({
          handlers: createHandlers({
            auth,
            audit,
            registry,
            states,
            adapters,
            history: this.#history!,
            health: () => this.health(),
            snapshot: () => this.snapshot(),
            rules: () => this.rules,
            mqttCa: () => this.#siteCaPem,
          }),
          audit,
          log: this.log.child({ service: 'api' }),
          bus: this.bus,
        });
        this.#parts = { auth, audit, registry, states, adapters, api };
      },
      stop: async () => {},
    });
    this.#services.add({
      name: 'broker',
      start: async () => {
        const credentials = createDbCredentialStore(this.#db!);
        this.#acl = createAclOracle(credentials);
        const { host, port, tlsPort, wsPort } = this.config.mqtt;
        // the conventional pair 1883/8883; beside any other plain port (tests, a second instance) a free one
        const tlsAt = tlsPort === undefined ? (port === 1883 ? 8883 : 0) : tlsPort;
        let tls: { host: string; port: number; key: string; cert: string } | undefined;
        if (tlsAt !== null) {
          const secrets = new EncryptedSecretStore(this.#db!, this.#secretsKey()).scoped('broker');
          const site = await loadOrCreateSiteTls(secrets, brokerNames(host), this.#now);
          this.#siteCaPem = site.caPem;
          tls = { host, port: tlsAt, key: site.keyPem, cert: site.certPem };
        }
        this.#broker = createBroker({
          host,
          port,
          credentials,
          log: this.log.child({ service: 'broker' }),
          limits: { maxPayloadBytes: this.config.mqtt.maxPayloadBytes },
          // retained state, persistent sessions and queued QoS1/2 survive a restart (tables mqtt_*)
          persistenceFile: dbFile,
          ...(tls ? { tls } : {}),
          ...(wsPort !== null ? { websocket: { host, port: wsPort } } : {}),
        });
        const listeners = await this.#broker.start();
        this.#mqttPort = listeners.port;
        this.#mqttTlsPort = listeners.tlsPort;
        this.#mqttWsPort = listeners.wsPort;
      },
      stop: async () => this.#broker?.stop(),
      health: () => {
        const s = this.#broker!.stats();
        const tls = this.#mqttTlsPort === null ? '' : `, TLS ${this.#mqttTlsPort}`;
        const ws = this.#mqttWsPort === null ? '' : `, WebSocket ${this.#mqttWsPort}`;
        return { status: 'ok', detail: `${s.clients} clients on port ${this.#mqttPort}${tls}${ws}` };
      },
    });
    this.#services.add({
      name: 'adapters',
      start: () => this.parts.adapters.start(),
      stop: () => this.parts.adapters.stop(),
      health: () => this.parts.adapters.health(),
    });
    this.#services.add({
      name: 'ha-export',
      start: async () => {
        const { enabled, prefix, root } = this.config.mqtt.haExport;
        if (!enabled) return;
        const { registry, states, adapters } = this.parts;
        const exporter = createHaExport({
          bus: this.broker.bus,
          prefix,
          root,
          log: this.log.child({ service: 'ha-export' }),
          entities: () => registry.entities.values(),
          device: (id) => registry.devices.get(id),
          state: (id) => states.get(id),
          execute: (id, cmd) => adapters.execute(id, cmd),
        });
        const fail = (err: Error) => this.log.warn({ reason: err.message }, 'HA export publish failed');
        const offs = [
          this.bus.on('entity.changed', ({ entity }) => void exporter.entityChanged(entity).catch(fail)),
          this.bus.on(
            'state.changed',
            ({ entityId, state }) => void exporter.stateChanged(entityId, state).catch(fail),
          ),
        ];
        await exporter.start();
        this.#haExport = { exporter, offs };
      },
      stop: async () => {
        this.#haExport?.offs.forEach((off) => off());
        await this.#haExport?.exporter.stop();
        this.#haExport = null;
      },
    });
    this.#services.add({
      name: 'rules',
      start: async () => {
        const { registry, states, adapters } = this.parts;
        this.#rules = new RulesService({
          collection: this.#db!.automations,
          dbFile,
          bus: this.bus,
          registry,
          states,
          adapters,
          history: this.history,
          site: this.config.site,
          log: this.log.child({ service: 'rules' }),
        });
        await this.#rules.start();
      },
      stop: async () => this.#rules?.stop(),
    });
    this.#services.add({
      name: 'housekeeping',
      start: async () => {
        const every = (ms: number, what: string, fn: () => unknown) => {
          const t = setInterval(() => {
            Promise.resolve()
              .then(fn)
              .catch((err: unknown) => this.log.error({ err, what }, 'housekeeping failed'));
          }, ms);
          t.unref();
          this.#timers.push(t);
        };
        every(HOUR, 'history retention', () => this.history.runMaintenance(this.#now()));
        every(HOUR, 'session expiry', () => this.parts.auth.purgeExpired());
        every(HOUR, 'rule trace retention', () => this.rules.traces.sweep(this.#now()));
      },
      stop: async () => {
        this.#timers.forEach(clearInterval);
        this.#timers = [];
      },
    });
  }

  get parts() {
    if (!this.#parts) throw new Error('the core is not started');
    return this.#parts;
  }
  get api(): ApiService {
    return this.parts.api;
  }
  get broker(): Broker {
    if (!this.#broker) throw new Error('the broker is not started');
    return this.#broker;
  }
  get history(): TimeSeriesStore {
    if (!this.#history) throw new Error('history is not started');
    return this.#history;
  }
  get rules(): RulesService {
    if (!this.#rules) throw new Error('rules are not started');
    return this.#rules;
  }
  get mqttPort(): number {
    return this.#mqttPort;
  }

  /** the broker's listeners: plain TCP, TLS and WebSocket ports (null when off) */
  get mqttListeners(): { port: number; tlsPort: number | null; wsPort: number | null } {
    return { port: this.#mqttPort, tlsPort: this.#mqttTlsPort, wsPort: this.#mqttWsPort };
  }

  /** the site CA devices pin to trust the TLS listener; null when TLS is off */
  get mqttCaCertificate(): string | null {
    return this.#siteCaPem;
  }

  async start(): Promise<void> {
    await this.#services.start();
    this.#state = 'ok';
    this.log.info({ dataDir: this.config.dataDir, mqttPort: this.#mqttPort }, 'core started');
  }

  /** Stops everything in reverse order; buffered history and logs are written before it returns. */
  async stop(): Promise<void> {
    this.#state = 'stopping';
    await this.#services.stop();
    this.log.info({}, 'core stopped');
    await this.log.flush();
  }

  /** Everything a freshly connected UI needs to draw the site. */
  snapshot(): Snapshot {
    const { registry, states } = this.parts;
    return {
      zones: [...registry.zones.values()],
      devices: [...registry.devices.values()],
      entities: [...registry.entities.values()],
      states: states.all(),
    };
  }

  health(): Health {
    const services = this.#services.health();
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
