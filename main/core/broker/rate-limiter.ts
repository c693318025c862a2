/** Token bucket per client: `ratePerSec` sustained, bursts up to one second's worth. */
export class RateLimiter {
  readonly #rate: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(ratePerSec: number, now: () => number = Date.now) {
    this.#rate = ratePerSec;
    this.#now = now;
  }

  take(clientId: string): boolean {
    const now = this.#now();
    let b = this.#buckets.get(clientId);
    if (!b) {
      b = { tokens: this.#rate, at: now };
      this.#buckets.set(clientId, b);
    }
    b.tokens = Math.min(this.#rate, b.tokens + ((now - b.at) / 1000) * this.#rate);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  forget(clientId: string): void {
    this.#buckets.delete(clientId);
  }
}
