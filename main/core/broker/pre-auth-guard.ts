import { isIP } from 'node:net';

/**
 * Connections that have not authenticated yet (TCP before CONNECT, TLS before and during the
 * handshake). The probe held 937 silent TLS handshakes open until the process ran out of its
 * 1,024 descriptors, which took down health, the API and every device login. Each pending
 * connection counts here, per source address and in total, and is refused past either cap;
 * the total stays well below the descriptor limit so signed-in devices and the API keep theirs.
 * Loopback has no per-source cap (the machine itself: the demo site, local bridges) but counts
 * in the total.
 */
export class PreAuthGuard {
  readonly #maxTotal: number;
  readonly #maxPerSource: number;
  readonly #perSource = new Map<string, number>();
  readonly #pending = new Map<string, string>();
  refused = 0;

  constructor(opts: { maxTotal: number; maxPerSource: number }) {
    this.#maxTotal = opts.maxTotal;
    this.#maxPerSource = opts.maxPerSource;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Counts a new connection; false (and counted as refused) when a cap is reached. */
  admit(address: string | undefined, port: number | undefined): boolean {
    const source = address ?? 'unknown';
    const key = `${source}|${port ?? ''}`;
    if (this.#pending.has(key)) return true;
    const fromSource = this.#perSource.get(source) ?? 0;
    if (this.#pending.size >= this.#maxTotal || (!isLoopback(source) && fromSource >= this.#maxPerSource)) {
      this.refused++;
      return false;
    }
    this.#pending.set(key, source);
    this.#perSource.set(source, fromSource + 1);
    return true;
  }

  /** The connection authenticated or closed (idempotent). */
  release(address: string | undefined, port: number | undefined): void {
    const key = `${address ?? 'unknown'}|${port ?? ''}`;
    const source = this.#pending.get(key);
    if (source === undefined) return;
    this.#pending.delete(key);
    const left = (this.#perSource.get(source) ?? 1) - 1;
    if (left <= 0) this.#perSource.delete(source);
    else this.#perSource.set(source, left);
  }
}

function isLoopback(address: string): boolean {
  if (address === '::1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIP(v4) === 4 && v4.startsWith('127.');
}
