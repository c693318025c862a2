import type { PlanSummary } from '../../../../shared/energy/plan.ts';
import { type PlanProblem, slotHours } from './plan-problem.ts';
import type { Schedule } from './schedule.ts';

/**
 * A schedule's cost, peak and comfort over the problem's horizon, computed the same way for the
 * plan and the baseline so the two compare. The demand charge counts only what the schedule adds
 * above the billing period's peak so far (the rest is owed whatever happens).
 */
export function evaluate(p: PlanProblem, s: Schedule): PlanSummary {
  const dt = slotHours(p);
  let energyCost = 0;
  let importKwh = 0;
  let exportKwh = 0;
  let peakKw = 0;
  let periodPeak = p.demand?.peakSoFarKw ?? 0;
  let capExcessKwh = 0;
  let wearCost = 0;
  for (let t = 0; t < p.slots; t++) {
    const imp = s.importKw[t]!;
    const exp = s.exportKw[t]!;
    energyCost += dt * (imp * p.importPrice[t]! - exp * Math.min(p.exportPrice[t]!, p.importPrice[t]!));
    importKwh += dt * imp;
    exportKwh += dt * exp;
    peakKw = Math.max(peakKw, imp);
    if (p.demand && p.start + t * p.slotMs < p.demand.periodEnd) periodPeak = Math.max(periodPeak, imp);
    const cap = p.importCapKw?.[t];
    if (cap !== null && cap !== undefined) capExcessKwh += dt * Math.max(0, imp - cap);
    if (p.battery) wearCost += dt * s.dischargeKw[t]! * p.battery.cyclingCostPerKwh;
  }
  const demandCost = p.demand ? p.demand.pricePerKw * Math.max(0, periodPeak - p.demand.peakSoFarKw) : 0;
  let comfortKh = 0;
  (p.zones ?? []).forEach((z, i) => {
    for (let t = 0; t < p.slots; t++) {
      const c = s.zoneC[i]![t]!;
      comfortKh += dt * (Math.max(0, z.lowC[t]! - c) + Math.max(0, c - z.highC[t]!));
    }
  });
  return {
    cost: round(energyCost + demandCost + wearCost),
    energyCost: round(energyCost),
    demandCost: round(demandCost),
    wearCost: round(wearCost),
    peakKw: round(peakKw),
    importKwh: round(importKwh),
    exportKwh: round(exportKwh),
    comfortKh: round(comfortKh),
    capExcessKwh: round(capExcessKwh),
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
