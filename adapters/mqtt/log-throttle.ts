import type { Logger } from '../../shared/adapter/contract.ts';

/** A device sending garbage every second must not flood the log: one line per key per interval. */
export class LogThrottle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #seen = new Map<string, { at: number; suppressed: number }>();

  constructor(intervalMs: number, now: () => number) {
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
    if (this.#seen.size > 10_000) this.#seen.clear();
    this.#seen.set(key, { at: now, suppressed: 0 });
    log.warn(entry?.suppressed ? { ...obj, suppressed: entry.suppressed } : obj, msg);
  }
}
