import { CoreError } from '../../errors.ts';

/** One interval of a zone's history: mean temperatures and the heat put in (kW thermal). */
export interface RcSample {
  ts: number;
  indoorC: number;
  outdoorC: number;
  heatKw: number;
}

export interface RcFit {
  rKPerKw: number;
  cKwhPerK: number;
  /** constant gains the fit attributes to people, sun and appliances, kW */
  gainsKw: number;
  /** interval pairs used, and the one-step prediction error */
  pairs: number;
  rmseK: number;
}

/** fewer pairs than this do not identify three parameters with any confidence */
const MIN_PAIRS = 24;

/**
 * Identifies a zone's 1R1C parameters from its history by least squares on consecutive intervals:
 *
 *   (T[k+1] − T[k]) / dt = a·(Tout[k] − T[k]) + b·Q[k] + c,   a = 1/(R·C), b = 1/C, c = gains/C
 *
 * (the model the optimiser plans with, discretised as it is). Intervals must be `stepMs` apart;
 * gaps break the chain. A history in which the heating never changed, or that yields a
 * non-physical model (negative R or C), is refused: the zone keeps its configured parameters.
 */
export function fitRc(samples: readonly RcSample[], stepMs: number): RcFit {
  const dt = stepMs / 3_600_000;
  const rows: Array<[number, number, number, number]> = [];
  for (let k = 0; k + 1 < samples.length; k++) {
    const s = samples[k]!;
    const n = samples[k + 1]!;
    if (n.ts - s.ts !== stepMs) continue;
    rows.push([s.outdoorC - s.indoorC, s.heatKw, 1, (n.indoorC - s.indoorC) / dt]);
  }
  if (rows.length < MIN_PAIRS)
    throw new CoreError(
      'conflict',
      `Only ${rows.length} usable intervals in the zone's history; at least ${MIN_PAIRS} are needed.`,
    );
  // normal equations (XᵀX) θ = Xᵀy
  const m = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((sum, r) => sum + r[i]! * r[j]!, 0)));
  const v = [0, 1, 2].map((i) => rows.reduce((sum, r) => sum + r[i]! * r[3], 0));
  const theta = solve3(m, v);
  if (!theta)
    throw new CoreError(
      'conflict',
      "The zone's history does not separate heating from heat loss (did the heating ever change?).",
    );
  const [a, b, c] = theta;
  if (!(a > 0 && b > 0))
    throw new CoreError(
      'conflict',
      `The zone's history gives a non-physical model (1/RC = ${a.toFixed(4)}, 1/C = ${b.toFixed(4)}).`,
    );
  const rmse = Math.sqrt(
    rows.reduce((sum, r) => sum + ((r[3] - a * r[0] - b * r[1] - c) * dt) ** 2, 0) / rows.length,
  );
  return { rKPerKw: b / a, cKwhPerK: 1 / b, gainsKw: c / b, pairs: rows.length, rmseK: rmse };
}

/** Gaussian elimination with partial pivoting; null when singular */
function solve3(m: number[][], v: number[]): [number, number, number] | null {
  const a = m.map((row, i) => [...row, v[i]!]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    const scale = Math.max(...a.map((row) => Math.abs(row[col]!)));
    if (Math.abs(a[pivot]![col]!) <= 1e-9 * (scale || 1)) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let k = col; k < 4; k++) a[r]![k]! -= f * a[col]![k]!;
    }
  }
  return [a[0]![3]! / a[0]![0]!, a[1]![3]! / a[1]![1]!, a[2]![3]! / a[2]![2]!];
}
