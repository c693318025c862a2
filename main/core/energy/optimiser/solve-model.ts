import { createRequire } from 'node:module';
import type { Highs, InitOptions } from 'highs';
import { buildModel } from './model-builder.ts';
import type { PlanProblem } from './plan-problem.ts';

/**
 * Solves a plan problem with HiGHS: the MILP to the requested gap, then the same model as an LP
 * with every binary fixed at its solution value, whose row duals are the plan's prices (the value
 * of one more kWh in a slot, of one more kelvin of comfort...). HiGHS reports no duals for a MIP,
 * and fixing the integers is the usual way to read them (the LP's optimum is the MILP's).
 * Runs where it is called: the solver worker calls it off the core's thread.
 */
export interface SolveOptions {
  /** seconds HiGHS may spend on the MILP */
  timeLimitS: number;
  /** relative MIP gap at which a solution counts as optimal */
  mipGap: number;
  /** also solve the LP relaxation (for the benchmark's comparison) */
  relaxation?: boolean;
}

export type SolveStatus = 'optimal' | 'infeasible' | 'timeout' | 'error';

export interface SolveResult {
  status: SolveStatus;
  /** HiGHS' own words for the outcome */
  detail: string;
  objective: number | null;
  /** column values by name (empty unless optimal) */
  values: Record<string, number>;
  /** row duals by name, from the LP with integers fixed */
  duals: Record<string, number>;
  size: { variables: number; binaries: number; rows: number };
  ms: { build: number; mip: number; duals: number; relaxation: number | null };
  relaxationObjective: number | null;
}

// highs is a CommonJS package whose module.exports is the loader; its typings declare it as a
// default export, which TypeScript's ESM interop reads as `.default`
const highsLoader = createRequire(import.meta.url)('highs') as (opts?: InitOptions) => Promise<Highs>;
let highs: Promise<Highs> | null = null;
function loadHighs(): Promise<Highs> {
  highs ??= highsLoader();
  return highs;
}

export async function solveProblem(problem: PlanProblem, opts: SolveOptions): Promise<SolveResult> {
  const solver = await loadHighs();
  const t0 = performance.now();
  const { lp } = buildModel(problem);
  const text = lp.toLp();
  const t1 = performance.now();
  const base = {
    size: lp.size,
    values: {},
    duals: {},
    objective: null,
    relaxationObjective: null,
  };
  const mip = solver.solve(text, {
    time_limit: opts.timeLimitS,
    mip_rel_gap: opts.mipGap,
    // HiGHS' MIP presolve costs more than it saves on these models: on the benchmark's 48 h plans
    // (10 zones, battery, EV, tank) it took 0.4-3.9 s with it and 0.26-0.41 s without, both
    // within the 0.1 % gap (npm run bench -- energy)
    presolve: 'off',
    output_flag: false,
  });
  const t2 = performance.now();
  const ms = { build: t1 - t0, mip: t2 - t1, duals: 0, relaxation: null as number | null };
  if (mip.Status === 'Infeasible' || mip.Status === 'Primal infeasible or unbounded')
    return { ...base, status: 'infeasible', detail: mip.Status, ms };
  if (mip.Status === 'Time limit reached') return { ...base, status: 'timeout', detail: mip.Status, ms };
  if (mip.Status !== 'Optimal') return { ...base, status: 'error', detail: mip.Status, ms };

  const values: Record<string, number> = {};
  const fixed = new Map<string, number>();
  for (const [name, col] of Object.entries(mip.Columns)) {
    values[name] = col.Primal;
    if ('Type' in col && col.Type === 'Integer') fixed.set(name, Math.round(col.Primal));
  }
  const lpFixed = solver.solve(lp.toLp({ fixed }), { output_flag: false });
  const t3 = performance.now();
  ms.duals = t3 - t2;
  const duals: Record<string, number> = {};
  if (lpFixed.Status === 'Optimal')
    for (const row of lpFixed.Rows) if ('Dual' in row) duals[row.Name] = row.Dual;

  let relaxationObjective: number | null = null;
  if (opts.relaxation) {
    const relaxed = solver.solve(lp.toLp({ relaxed: true }), {
      time_limit: opts.timeLimitS,
      output_flag: false,
    });
    ms.relaxation = performance.now() - t3;
    if (relaxed.Status === 'Optimal') relaxationObjective = relaxed.ObjectiveValue;
  }
  return {
    ...base,
    status: 'optimal',
    detail: `${mip.Status} (gap ≤ ${opts.mipGap})`,
    objective: mip.ObjectiveValue,
    values,
    duals,
    relaxationObjective,
    ms,
  };
}
