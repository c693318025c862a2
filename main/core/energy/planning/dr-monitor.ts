import type { DrEventView } from '../../../../shared/energy/plan-settings.ts';

const INTERVAL_MS = 15 * 60_000;
/** an interval within this of the cap complies (meter and rounding noise) */
const TOLERANCE_KW = 0.05;

/**
 * Compliance with demand-response caps, measured: the site's import power (from the energy
 * module's live balance) averaged over 15-min demand intervals while an event's window is open;
 * once the window has ended, how many intervals stayed under the cap, the highest average and the
 * energy imported above it.
 */
export class DrMonitor {
  /** interval start → [W·ms, ms] */
  readonly #intervals = new Map<number, [number, number]>();
  #lastAt: number | null = null;

  sample(at: number, importW: number, active: boolean): void {
    const last = this.#lastAt;
    this.#lastAt = at;
    if (!active || last === null || at <= last || at - last > 60_000) return;
    const k = Math.floor(at / INTERVAL_MS) * INTERVAL_MS;
    const acc = this.#intervals.get(k) ?? [0, 0];
    acc[0] += importW * (at - last);
    acc[1] += at - last;
    this.#intervals.set(k, acc);
  }

  compliance(e: Pick<DrEventView, 'capKw' | 'from' | 'to'>): NonNullable<DrEventView['compliance']> {
    let intervals = 0;
    let compliant = 0;
    let maxKw = 0;
    let excessKwh = 0;
    for (const [k, [wms, ms]] of this.#intervals) {
      if (k < e.from - INTERVAL_MS + 1 || k >= e.to || ms < 60_000) continue;
      const kw = wms / ms / 1000;
      intervals++;
      if (kw <= e.capKw + TOLERANCE_KW) compliant++;
      maxKw = Math.max(maxKw, kw);
      excessKwh += (Math.max(0, kw - e.capKw) * ms) / 3_600_000;
    }
    return { intervals, compliant, maxKw: round(maxKw), excessKwh: round(excessKwh) };
  }

  /** drop intervals older than `before` */
  prune(before: number): void {
    for (const k of this.#intervals.keys()) if (k < before) this.#intervals.delete(k);
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
