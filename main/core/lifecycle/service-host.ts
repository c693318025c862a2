import type { Logger } from '../../../shared/adapter/contract.ts';

export interface ServiceHealth {
  status: 'ok' | 'degraded' | 'down' | 'starting' | 'stopped';
  detail: string | null;
}

export interface Service {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  health?(): ServiceHealth;
}

/**
 * Starts services in the order given (each may rely on those before it) and stops them in
 * reverse. If one fails to start, those already started are stopped again, so the process is
 * never left half-running.
 */
export class ServiceHost {
  readonly #services: Service[] = [];
  readonly #started: Service[] = [];
  readonly #log: Logger;
  #stopping: Promise<void> | null = null;

  constructor(log: Logger) {
    this.#log = log;
  }

  add(service: Service): void {
    this.#services.push(service);
  }

  async start(): Promise<void> {
    for (const service of this.#services) {
      const t0 = performance.now();
      try {
        await service.start();
      } catch (err) {
        this.#log.error({ service: service.name, err }, 'service failed to start; stopping the others');
        await this.stop();
        throw new Error(`${service.name} failed to start: ${(err as Error).message}`, { cause: err });
      }
      this.#started.push(service);
      this.#log.info({ service: service.name, ms: Math.round(performance.now() - t0) }, 'service started');
    }
  }

  /** Idempotent: a second call (a second signal) waits for the first shutdown. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #stopAll(): Promise<void> {
    while (this.#started.length > 0) {
      const service = this.#started.pop()!;
      try {
        await service.stop();
        this.#log.info({ service: service.name }, 'service stopped');
      } catch (err) {
        this.#log.error({ service: service.name, err }, 'service failed to stop cleanly');
      }
    }
  }

  health(): Record<string, ServiceHealth> {
    const out: Record<string, ServiceHealth> = {};
    for (const service of this.#services) {
      const started = this.#started.includes(service);
      out[service.name] = started
        ? (service.health?.() ?? { status: 'ok', detail: null })
        : { status: this.#stopping ? 'stopped' : 'starting', detail: null };
    }
    return out;
  }
}
