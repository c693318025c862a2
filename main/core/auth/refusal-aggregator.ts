/**
 * Anonymous refusals, aggregated per source address. The probe's flood wrote 1,200 audit rows a
 * second (68 MB in 15 s). The first refusal from a source in a window is recorded as it is; the
 * rest of that window only count, and one summary row per source says how many there were.
 */
export interface RefusalSummary {
  source: string;
  count: number;
  actions: string[];
  from: number;
  to: number;
}

export class RefusalAggregator {
  readonly #windowMs: number;
  readonly #maxSources: number;
  readonly #open = new Map<string, { first: number; last: number; more: number; actions: Set<string> }>();

  constructor(opts: { windowMs?: number; maxSources?: number } = {}) {
    this.#windowMs = opts.windowMs ?? 60_000;
    this.#maxSources = opts.maxSources ?? 10_000;
  }

  /** true: record this refusal in full; false: it was counted into its source's window */
  admit(source: string, action: string, now: number): boolean {
    const w = this.#open.get(source);
    if (w && now - w.first < this.#windowMs) {
      w.more++;
      w.last = now;
      if (w.actions.size < 16) w.actions.add(action);
      return false;
    }
    if (!w && this.#open.size >= this.#maxSources) return false; // a spoofed-source storm: count nothing more
    this.#open.set(source, { first: now, last: now, more: 0, actions: new Set() });
    return true;
  }

  /** windows that have ended (all of them with `all`), as summaries of the refusals they held back */
  drain(now: number, all = false): RefusalSummary[] {
    const out: RefusalSummary[] = [];
    for (const [source, w] of this.#open) {
      if (!all && now - w.first < this.#windowMs) continue;
      this.#open.delete(source);
      if (w.more > 0) out.push({ source, count: w.more, actions: [...w.actions], from: w.first, to: w.last });
    }
    return out;
  }
}
