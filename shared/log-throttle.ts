import type { Logger } from './adapter/contract.ts';

/**
 * A flooding client must not flood the log too: the same (client, reason) is logged at most
 * once per interval, and the next line says how many were suppressed. No timers.
 */
export class LogThrottle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #seen = new Map<string, { at: number; suppressed: number }>();

  constructor(intervalMs = 5000, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  warn(log: Logger, key: string, obj: Record<string, unknown>, msg: string): void {
    const now = this.#now();
    const entry = this.#seen.get(key);
    if (entry && now - entry.at < this.#intervalMs) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.#seen.set(key, { at: now, suppressed: 0 });
    if (this.#seen.size > 10_000) this.#seen.clear();
    log.warn(suppressed > 0 ? { ...obj, suppressed } : obj, msg);
  }
}
