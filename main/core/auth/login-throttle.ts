/**
 * Slows password guessing: after `maxFailures` failed logins for one username within the
 * window, further attempts are refused until the window passes. Kept in memory: a restart
 * forgets it, which costs an attacker a restart per few guesses.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(opts: { maxFailures?: number; windowMs?: number; now?: () => number } = {}) {
    this.#maxFailures = opts.maxFailures ?? 5;
    this.#windowMs = opts.windowMs ?? 5 * 60_000;
    this.#now = opts.now ?? Date.now;
  }

  #recent(key: string): number[] {
    const cutoff = this.#now() - this.#windowMs;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, list);
    return list;
  }

  /** milliseconds until another attempt is allowed, 0 when allowed now */
  retryAfter(username: string): number {
    const list = this.#recent(username.toLowerCase());
    if (list.length < this.#maxFailures) return 0;
    return list[0]! + this.#windowMs - this.#now();
  }

  fail(username: string): void {
    const key = username.toLowerCase();
    this.#failures.set(key, [...this.#recent(key), this.#now()]);
  }

  succeed(username: string): void {
    this.#failures.delete(username.toLowerCase());
  }
}
