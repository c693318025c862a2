/**
 * The shape every `*.bench.ts` module shares, and the helpers to measure and print it.
 * A bench module exports `run(): Promise<BenchReport>`; `run.ts` finds, runs and prints it.
 */

export interface BenchFigure {
  /** what was measured, e.g. "ingest rate" */
  label: string;
  unit: string;
  value: number;
  /** whether a larger value is better (rates) or worse (latencies, durations) */
  higherIsBetter: boolean;
  /** the same measure taken on the floor / reference in the same run */
  baseline?: number;
  /** an explicit goal; printed as met or missed */
  target?: { description: string; met: boolean };
}

export interface BenchReport {
  name: string;
  /** what the baseline column is, e.g. "raw node:sqlite inserts" */
  baselineName?: string;
  figures: BenchFigure[];
  notes?: string[];
}

export interface BenchModule {
  run(): Promise<BenchReport>;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Our value relative to the baseline, phrased so that > 1 always means "better than the baseline". */
export function advantage(f: BenchFigure): number | undefined {
  if (f.baseline === undefined || f.baseline === 0 || f.value === 0) return undefined;
  return f.higherIsBetter ? f.value / f.baseline : f.baseline / f.value;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(n).toLocaleString('en-US');
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

export function formatReport(report: BenchReport): string {
  const baselineName = report.baselineName ?? 'baseline';
  const header = ['measure', 'value', 'unit', baselineName, 'ratio (>1 better)', 'target'];
  const rows = report.figures.map((f) => {
    const ratio = advantage(f);
    return [
      f.label,
      formatNumber(f.value),
      f.unit,
      f.baseline === undefined ? '' : formatNumber(f.baseline),
      ratio === undefined ? '' : `${ratio.toFixed(2)}x`,
      f.target ? `${f.target.met ? 'MET' : 'MISSED'}: ${f.target.description}` : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const out = [
    `== ${report.name}`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ];
  for (const note of report.notes ?? []) out.push(`  * ${note}`);
  return out.join('\n');
}

/** Monotonic milliseconds. */
export const nowMs = (): number => performance.now();

/** Yields to the event loop so timers (a store's flush timer, say) get their turn. */
export const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Small deterministic PRNG so runs are comparable and value generation stays cheap. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
