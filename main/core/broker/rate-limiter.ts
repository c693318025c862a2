/**
 * Token bucket per client: `ratePerSec` sustained, bursts up to one second's worth. Past that a
 * client is slowed down, never silently dropped: each message reserves the next token and waits
 * for it (its PUBACK comes late, and aedes reads nothing more from that client meanwhile, so TCP
 * pushes back on the device). A client so far ahead that it would wait longer than `maxDelayMs`
 * is refused outright (disconnected before any PUBACK; the device resends unacknowledged QoS1).
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #now: () => number;
  readonly #maxDelayMs: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(ratePerSec: number, now: () => number = Date.now, maxDelayMs = 5_000) {
    this.#rate = ratePerSec;
    this.#now = now;
    this.#maxDelayMs = maxDelayMs;
  }

  /** ms this message must wait for its token (0: now), or -1 when the client is too far ahead */
  reserve(clientId: string): number {
    const now = this.#now();
    let b = this.#buckets.get(clientId);
    if (!b) {
      b = { tokens: this.#rate, at: now };
      this.#buckets.set(clientId, b);
    }
    b.tokens = Math.min(this.#rate, b.tokens + ((now - b.at) / 1000) * this.#rate);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    const wait = Math.ceil(((1 - b.tokens) / this.#rate) * 1000);
    if (wait > this.#maxDelayMs) return -1;
    b.tokens -= 1; // the token is spoken for: the next message waits behind this one
    return wait;
  }

  /** true when a message may pass now (a caller that cannot wait) */
  take(clientId: string): boolean {
    const b = this.#buckets.get(clientId);
    if (b && b.tokens < 1 && b.tokens + ((this.#now() - b.at) / 1000) * this.#rate < 1) return false;
    return this.reserve(clientId) === 0;
  }

  forget(clientId: string): void {
    this.#buckets.delete(clientId);
  }
}
