import type { PlanSlotView, PlanView } from '../../../../shared/energy/plan.ts';
import { evaluate } from './evaluate.ts';
import { type ExplainOptions, explainFallback, explainSlots } from './explain.ts';
import { type PlanProblem, slotHours } from './plan-problem.ts';
import type { PlanSolver } from './plan-solver.ts';
import { safeSchedule } from './safe-schedule.ts';
import { type Schedule, scheduleFromSolution } from './schedule.ts';
import type { SolveOptions, SolveResult } from './solve-model.ts';

/** 0.1 % MIP gap and a time limit that keeps re-planning every few minutes comfortable */
export const DEFAULT_SOLVE: SolveOptions = { timeLimitS: 10, mipGap: 0.001 };

export interface OptimisedPlan {
  view: PlanView;
  schedule: Schedule;
  solve: SolveResult | null;
}

/**
 * One plan: the MILP solved in the solver's thread, its schedule explained slot by slot and
 * costed beside the baseline. An infeasible or timed-out solve (or a solver failure) falls back to
 * the safe schedules, and the view says so and why.
 */
export async function optimise(
  problem: PlanProblem,
  solver: PlanSolver,
  opts: ExplainOptions & { solve?: Partial<SolveOptions>; now?: number } = {},
): Promise<OptimisedPlan> {
  const baselineSchedule = safeSchedule(problem);
  const baseline = evaluate(problem, baselineSchedule);
  const t0 = performance.now();
  let solve: SolveResult | null = null;
  let failure: string | null = null;
  try {
    solve = await solver.solve(problem, { ...DEFAULT_SOLVE, ...opts.solve });
    if (solve.status !== 'optimal') failure = fallbackWords(solve);
  } catch (err) {
    failure = `the solver failed (${(err as Error).message})`;
  }
  const solveMs = performance.now() - t0;
  const ok = solve !== null && failure === null;
  const schedule = ok ? scheduleFromSolution(problem, solve!.values) : baselineSchedule;
  const reasons = ok
    ? explainSlots(problem, schedule, solve!.duals, opts)
    : explainFallback(problem, schedule, failure!);
  const summary = evaluate(problem, schedule);
  const view: PlanView = {
    createdAt: opts.now ?? Date.now(),
    start: problem.start,
    slotMs: problem.slotMs,
    status: ok ? 'optimal' : 'fallback',
    fallbackReason: failure,
    solveMs: Math.round(solveMs),
    summary,
    baseline,
    saving: Math.round((baseline.cost - summary.cost) * 10_000) / 10_000,
    slots: slotViews(problem, schedule, reasons, ok ? solve!.duals : null),
  };
  return { view, schedule, solve };
}

function fallbackWords(r: SolveResult): string {
  if (r.status === 'infeasible')
    return 'no plan meets every hard limit (infeasible: check the EV need, battery and connection limits)';
  if (r.status === 'timeout') return `the plan was not solved within its time limit (${r.detail})`;
  return `the solver did not finish (${r.detail})`;
}

function slotViews(
  p: PlanProblem,
  s: Schedule,
  reasons: PlanSlotView['reasons'][],
  duals: Readonly<Record<string, number>> | null,
): PlanSlotView[] {
  const dt = slotHours(p);
  const out: PlanSlotView[] = [];
  for (let t = 0; t < p.slots; t++) {
    const dual = duals?.[`bal_${t}`];
    out.push({
      start: p.start + t * p.slotMs,
      importPrice: p.importPrice[t]!,
      exportPrice: p.exportPrice[t]!,
      pvKw: p.pvKw[t]!,
      baseKw: p.baseKw[t]!,
      importKw: s.importKw[t]!,
      exportKw: s.exportKw[t]!,
      curtailKw: s.curtailKw[t]!,
      valuePerKwh: dual === undefined ? null : Math.round((dual / dt) * 1e5) / 1e5,
      battery: p.battery
        ? { chargeKw: s.chargeKw[t]!, dischargeKw: s.dischargeKw[t]!, socKwh: s.socKwh[t]! }
        : null,
      evKw: p.ev ? s.evKw[t]! : null,
      hotWater: p.hotWater ? { kw: s.hotWaterKw[t]!, tempC: s.hotWaterC[t]! } : null,
      zones: (p.zones ?? []).map((z, i) => ({
        id: z.id,
        kw: s.zoneKw[i]![t]!,
        tempC: s.zoneC[i]![t]!,
        lowC: z.lowC[t]!,
        highC: z.highC[t]!,
      })),
      appliances: (p.appliances ?? []).map((a, i) => ({ id: a.id, kw: s.applianceKw[i]![t]! })),
      reasons: reasons[t] ?? [],
    });
  }
  return out;
}
