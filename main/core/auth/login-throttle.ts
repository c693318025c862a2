/**
 * Slows password guessing without handing an attacker the real user's lock-out: failures count
 * per source address first (a source that fails `maxFailures` times for one username waits the
 * window out, and one that fails `maxPerSource` times across usernames waits for all of them), so
 * the owner signing in from their own machine is not refused because someone else guessed. Kept in
 * memory: a restart forgets it, which costs an attacker a restart per few guesses.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #maxFailures: number;
  readonly #maxPerSource: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(
    opts: { maxFailures?: number; maxPerSource?: number; windowMs?: number; now?: () => number } = {},
  ) {
    this.#maxFailures = opts.maxFailures ?? 5;
    this.#maxPerSource = opts.maxPerSource ?? 20;
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

  #wait(key: string, max: number): number {
    const list = this.#recent(key);
    if (list.length < max) return 0;
    return list[list.length - max]! + this.#windowMs - this.#now();
  }

  /** milliseconds until `source` may try `username` again, 0 when allowed now */
  retryAfter(username: string, source = 'local'): number {
    return Math.max(
      this.#wait(pairKey(username, source), this.#maxFailures),
      this.#wait(sourceKey(source), this.#maxPerSource),
    );
  }

  fail(username: string, source = 'local'): void {
    for (const key of [pairKey(username, source), sourceKey(source)]) {
      const list = this.#recent(key);
      list.push(this.#now());
      // a flood must not grow the list without bound: only the newest matter
      if (list.length > this.#maxPerSource) list.splice(0, list.length - this.#maxPerSource);
      this.#failures.set(key, list);
    }
    if (this.#failures.size > 100_000) this.#prune();
  }

  succeed(username: string, source = 'local'): void {
    this.#failures.delete(pairKey(username, source));
  }

  #prune(): void {
    for (const key of [...this.#failures.keys()]) this.#recent(key);
  }
}

const pairKey = (username: string, source: string) => `${source}\u0000${username.toLowerCase()}`;
const sourceKey = (source: string) => `${source}\u0000*`;
