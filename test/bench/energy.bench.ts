/**
 * The energy optimiser (issue 10 §9), measured in one run:
 *  1. solve time of the demo building's plan, 48 h in 15-min slots, 10 heat-pump zones + battery +
 *     EV + hot-water tank, to optimality at a 0.1 % MIP gap, beside the same model's LP relaxation;
 *     and the same model with an on/off tank element (a whole-slot binary), reported as it ends;
 *  2. a simulated week of the virtual building (model mismatch, noise, forecast errors) with the
 *     optimiser re-planning hourly, against the baseline (schedules and thermostats) and the rule of
 *     thumb (charge and heat below the day's median price): cost, peak and comfort violations.
 */
import { PlanSolver } from '../../main/core/energy/optimiser/plan-solver.ts';
import type { SolveResult } from '../../main/core/energy/optimiser/solve-model.ts';
import { median } from './bench-kit.ts';
import type { BenchFigure, BenchReport } from './bench-kit.ts';
import { baselineController, optimiserController, ruleOfThumbController } from './energy-week/controllers.ts';
import { problemAt, zoneModels } from './energy-week/site.ts';
import { simulate } from './energy-week/simulate.ts';

const HOUR = 3_600_000;
const ZONES = 10;
const GAP = 0.001;
const TARGET_MS = 2000;
const WEEK_START = Date.UTC(2026, 11, 7);

async function solveTimes(solver: PlanSolver): Promise<{ runs: SolveResult[]; onOff: SolveResult }> {
  const zones = zoneModels(ZONES);
  const runs: SolveResult[] = [];
  // five plans made at different times of day, from different states, the last two with a
  // demand peak already set in the billing period
  for (const [i, hour] of [6, 12, 18, 3, 21].entries()) {
    const start = WEEK_START + hour * HOUR;
    const problem = problemAt(
      start,
      192,
      {
        zoneC: zones.map((_, z) => 19.5 + ((z + i) % 3) * 0.7),
        socKwh: 3 + 2 * (i % 3),
        tankC: 50 + 3 * (i % 3),
        ev: { from: start + 2 * HOUR, until: start + 15 * HOUR, needKwh: 18 + 4 * i },
      },
      zones,
      i > 2 ? 8 : 0,
    );
    runs.push(await solver.solve(problem, { timeLimitS: 30, mipGap: GAP, relaxation: true }));
  }
  const onOffProblem = problemAt(
    WEEK_START + 12 * HOUR,
    192,
    {
      zoneC: zones.map(() => 20.5),
      socKwh: 5,
      tankC: 55,
      ev: { from: WEEK_START + 18 * HOUR, until: WEEK_START + 31 * HOUR, needKwh: 20 },
    },
    zones,
    0,
    true,
  );
  const onOff = await solver.solve(onOffProblem, { timeLimitS: 10, mipGap: GAP });
  return { runs, onOff };
}

export async function run(): Promise<BenchReport> {
  const solver = new PlanSolver();
  const notes: string[] = [];
  const figures: BenchFigure[] = [];
  try {
    const { runs, onOff } = await solveTimes(solver);
    const optimal = runs.every((r) => r.status === 'optimal');
    const mip = median(runs.map((r) => r.ms.mip));
    const lp = median(runs.map((r) => r.ms.relaxation ?? NaN));
    const size = runs[0]!.size;
    figures.push({
      label: `MILP solve 48 h x 15 min, ${ZONES} zones + battery + EV + tank (median of 5)`,
      unit: 'ms',
      value: mip,
      higherIsBetter: false,
      baseline: lp,
      target: {
        description: `optimal at MIP gap <= ${GAP * 100} % in < ${TARGET_MS} ms`,
        met: optimal && mip < TARGET_MS,
      },
    });
    const worst = Math.max(...runs.map((r) => r.ms.mip));
    figures.push({
      label: 'MILP solve, slowest of the 5',
      unit: 'ms',
      value: worst,
      higherIsBetter: false,
      baseline: Math.max(...runs.map((r) => r.ms.relaxation ?? NaN)),
      target: { description: `every plan < ${TARGET_MS} ms`, met: optimal && worst < TARGET_MS },
    });
    figures.push({
      label: 'build the model (LP text)',
      unit: 'ms',
      value: median(runs.map((r) => r.ms.build)),
      higherIsBetter: false,
    });
    figures.push({
      label: 'duals (LP with binaries fixed)',
      unit: 'ms',
      value: median(runs.map((r) => r.ms.duals)),
      higherIsBetter: false,
    });
    notes.push(
      `model: ${size.variables} variables (${size.binaries} binary), ${size.rows} rows; statuses ${runs.map((r) => r.detail).join(' | ')}`,
    );
    notes.push(
      `MILP times ${runs.map((r) => Math.round(r.ms.mip)).join(', ')} ms; LP relaxation ${runs.map((r) => Math.round(r.ms.relaxation ?? NaN)).join(', ')} ms; relaxation gap ${runs.map((r) => (r.objective !== null && r.relaxationObjective !== null ? (((r.objective - r.relaxationObjective) / Math.abs(r.objective)) * 100).toFixed(3) + ' %' : '?')).join(', ')}`,
    );
    notes.push(
      `same model with an on/off (whole-slot) tank element: ${onOff.status} (${onOff.detail}) after ${Math.round(onOff.ms.mip)} ms, ${onOff.size.binaries} binaries; the planner runs the element as a duty cycle within the slot instead`,
    );

    const zones = zoneModels(ZONES);
    const days = 7;
    const base = await simulate(baselineController(zones), zones, { start: WEEK_START, days });
    const rule = await simulate(ruleOfThumbController(zones), zones, { start: WEEK_START, days });
    const truss = optimiserController(zones, solver, { horizonSlots: 96, replanSlots: 4 });
    const t0 = performance.now();
    const opt = await simulate(truss, zones, { start: WEEK_START, days });
    const weekMs = performance.now() - t0;
    const guarded = optimiserController(zones, solver, {
      horizonSlots: 96,
      replanSlots: 4,
      importGuard: true,
    });
    const held = await simulate(guarded, zones, { start: WEEK_START, days });
    const pct = (r: typeof base) => (1 - r.cost / base.cost) * 100;
    const weekFigures = (what: string, r: typeof base): BenchFigure[] => [
      {
        label: `${what}: week cost (energy + demand charge) vs baseline`,
        unit: 'EUR',
        value: r.cost,
        higherIsBetter: false,
        baseline: base.cost,
        target: { description: `saving >= 15 % (is ${pct(r).toFixed(1)} %)`, met: pct(r) >= 15 },
      },
      {
        label: `${what}: week cost vs rule of thumb`,
        unit: 'EUR',
        value: r.cost,
        higherIsBetter: false,
        baseline: rule.cost,
        target: { description: 'cheaper than the rule of thumb', met: r.cost < rule.cost },
      },
      {
        label: `${what}: comfort violations vs baseline`,
        unit: 'K·h',
        value: r.comfortKh,
        higherIsBetter: false,
        baseline: base.comfortKh,
        target: { description: 'no worse than the baseline', met: r.comfortKh <= base.comfortKh },
      },
      {
        label: `${what}: comfort violations vs rule of thumb`,
        unit: 'K·h',
        value: r.comfortKh,
        higherIsBetter: false,
        baseline: rule.comfortKh,
      },
      {
        label: `${what}: week peak (15-min import) vs baseline`,
        unit: 'kW',
        value: r.peakKw,
        higherIsBetter: false,
        baseline: base.peakKw,
      },
    ];
    figures.push(
      ...weekFigures('plan as executed', opt),
      ...weekFigures('plan + import ceiling held locally', held),
    );
    const fmt = (r: typeof base) =>
      `energy ${r.energyCost.toFixed(2)} + demand ${r.demandCost.toFixed(2)} = ${r.cost.toFixed(2)} EUR, import ${r.importKwh.toFixed(0)} kWh, peak ${r.peakKw.toFixed(2)} kW, comfort ${r.comfortKh.toFixed(2)} K·h, EV short ${r.evShortKwh.toFixed(2)} kWh, tank below min ${r.tankKh.toFixed(2)} K·h`;
    notes.push(`baseline: ${fmt(base)}`);
    notes.push(`rule of thumb: ${fmt(rule)}`);
    notes.push(`optimiser, plan as executed: ${fmt(opt)}`);
    notes.push(`optimiser, import ceiling held locally (EV load management + battery): ${fmt(held)}`);
    notes.push(
      `optimiser week: ${truss.solveMs.length} plans (24 h horizon, re-planned hourly), solve median ${median(truss.solveMs).toFixed(0)} ms, max ${Math.max(...truss.solveMs)} ms, ${truss.fallbacks + guarded.fallbacks} fallbacks; simulated in ${(weekMs / 1000).toFixed(1)} s`,
    );
    notes.push(
      'virtual building: zone R and C off by up to ±20 %, COP 8 % below the model, unmodelled gains, on/off heat pumps behind ±0.25 K thermostats, battery round trip 86 % (model 90 %), noisy PV, load, weather and temperature readings',
    );
  } finally {
    await solver.close();
  }
  return { name: 'energy optimiser', baselineName: 'reference', figures, notes };
}
