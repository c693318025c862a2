import type { PlanProblem } from '../../../../main/core/energy/optimiser/plan-problem.ts';

/** A site with nothing flexible: hour slots, the given prices, no PV, no load. */
export function site(prices: number[], extra: Partial<PlanProblem> = {}): PlanProblem {
  const n = prices.length;
  return {
    start: Date.UTC(2026, 11, 3, 0),
    slotMs: 3_600_000,
    slots: n,
    importPrice: prices,
    exportPrice: prices.map(() => 0),
    pvKw: prices.map(() => 0),
    baseKw: prices.map(() => 0),
    outdoorC: prices.map(() => 0),
    importLimitKw: null,
    exportLimitKw: null,
    ...extra,
  };
}

export const battery = (
  over: Partial<NonNullable<PlanProblem['battery']>> = {},
): NonNullable<PlanProblem['battery']> => ({
  id: 'battery',
  capacityKwh: 10,
  socMinKwh: 0,
  socMaxKwh: 10,
  socKwh: 0,
  maxChargeKw: 1,
  maxDischargeKw: 1,
  roundTripEfficiency: 1,
  cyclingCostPerKwh: 0,
  ...over,
});

/** 1R1C zone: R 10 K/kW, C 10 kWh/K (a 100 h time constant), COP 3 whatever the weather */
export const zone = (over: Partial<NonNullable<PlanProblem['zones']>[number]> = {}, n = 2) => ({
  id: 'office',
  name: 'Office',
  mode: 'heat' as const,
  rKPerKw: 10,
  cKwhPerK: 10,
  tempC: 20,
  maxKw: 5,
  copAt7: 3,
  copSlopePerK: 0,
  lowC: new Array<number>(n).fill(20),
  highC: new Array<number>(n).fill(22),
  ...over,
});
