import type { PlanProblem } from './plan-problem.ts';
import { evPowerKw } from './plan-problem.ts';

/**
 * What every asset does per slot, however it was decided (the MILP, the safe schedules, a
 * simulated controller): the common shape that is costed, explained and executed.
 */
export interface Schedule {
  importKw: number[];
  exportKw: number[];
  curtailKw: number[];
  chargeKw: number[];
  dischargeKw: number[];
  /** battery SoC at each slot's end, kWh */
  socKwh: number[];
  evKw: number[];
  hotWaterKw: number[];
  /** tank temperature at each slot's end */
  hotWaterC: number[];
  /** per zone, per slot */
  zoneKw: number[][];
  zoneC: number[][];
  applianceKw: number[][];
}

export function emptySchedule(p: PlanProblem): Schedule {
  const z = () => new Array<number>(p.slots).fill(0);
  const zones = p.zones ?? [];
  return {
    importKw: z(),
    exportKw: z(),
    curtailKw: z(),
    chargeKw: z(),
    dischargeKw: z(),
    socKwh: z(),
    evKw: z(),
    hotWaterKw: z(),
    hotWaterC: z(),
    zoneKw: zones.map(z),
    zoneC: zones.map(z),
    applianceKw: (p.appliances ?? []).map(z),
  };
}

/** The MILP's column values as a schedule (variable names as model-builder.ts writes them). */
export function scheduleFromSolution(p: PlanProblem, values: Readonly<Record<string, number>>): Schedule {
  const s = emptySchedule(p);
  const v = (name: string) => clean(values[name] ?? 0);
  for (let t = 0; t < p.slots; t++) {
    s.importKw[t] = v(`imp_${t}`);
    s.exportKw[t] = v(`exp_${t}`);
    s.curtailKw[t] = v(`cur_${t}`);
    if (p.battery) {
      s.chargeKw[t] = v(`bc_${t}`);
      s.dischargeKw[t] = v(`bd_${t}`);
      s.socKwh[t] = v(`soc_${t}`);
    }
    s.evKw[t] = v(`ev_${t}`);
    if (p.hotWater) {
      s.hotWaterKw[t] = p.hotWater.onOff ? v(`hw_${t}`) * p.hotWater.heaterKw : v(`hw_${t}`);
      s.hotWaterC[t] = v(`hwt_${t}`);
    }
    (p.zones ?? []).forEach((_, i) => {
      s.zoneKw[i]![t] = v(`z${i}p_${t}`);
      s.zoneC[i]![t] = v(`z${i}t_${t}`);
    });
  }
  (p.appliances ?? []).forEach((a, i) => {
    for (let start = a.earliestSlot; start < p.slots; start++)
      if (v(`a${i}s_${start}`) > 0.5)
        for (let t = start; t < Math.min(p.slots, start + a.durationSlots); t++)
          s.applianceKw[i]![t] = a.powerKw;
  });
  return s;
}

/** EV power never below the charger's minimum current while charging */
export function evMinKw(p: PlanProblem): number {
  return p.ev ? evPowerKw(p.ev, p.ev.minCurrentA) : 0;
}

/** solver round-off (1e-9 kW) shown as exact zeros */
function clean(x: number): number {
  const r = Math.round(x * 1e6) / 1e6;
  return Object.is(r, -0) ? 0 : r;
}
