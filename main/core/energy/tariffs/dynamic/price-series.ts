/**
 * Day-ahead (spot) prices in the tariff's currency per kWh, before the tariff's multiplier, adder,
 * levies and VAT. A point covers [start, end).
 */
export interface PricePoint {
  start: number;
  end: number;
  price: number;
}

/** Where the cost engine finds dynamic prices: by series id, clipped to [from, to), sorted. */
export interface DynamicPriceSource {
  segments(series: string, from: number, to: number): PricePoint[];
}

/** Sorted, non-overlapping points (as `validatePricePoints` returns them), searchable by time. */
export class PriceSeries {
  readonly points: readonly PricePoint[];

  constructor(points: readonly PricePoint[]) {
    for (let i = 1; i < points.length; i++)
      if (points[i]!.start < points[i - 1]!.end) throw new Error('price points overlap or are not sorted');
    this.points = points;
  }

  /** The points overlapping [from, to), clipped to it. */
  segments(from: number, to: number): PricePoint[] {
    const p = this.points;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p[mid]!.end <= from) lo = mid + 1;
      else hi = mid;
    }
    const out: PricePoint[] = [];
    for (let i = lo; i < p.length && p[i]!.start < to; i++) {
      out.push({ start: Math.max(from, p[i]!.start), end: Math.min(to, p[i]!.end), price: p[i]!.price });
    }
    return out;
  }
}

/** Several named series held in memory (tests, the optimiser's worker, a one-off file import). */
export class InMemoryPriceSource implements DynamicPriceSource {
  readonly #series = new Map<string, PriceSeries>();

  set(series: string, points: readonly PricePoint[]): this {
    this.#series.set(series, new PriceSeries(points));
    return this;
  }

  segments(series: string, from: number, to: number): PricePoint[] {
    return this.#series.get(series)?.segments(from, to) ?? [];
  }
}
