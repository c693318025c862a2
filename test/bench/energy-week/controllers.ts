import { optimise } from '../../../main/core/energy/optimiser/optimise.ts';
import type { PlanSolver } from '../../../main/core/energy/optimiser/plan-solver.ts';
import type { PlanView } from '../../../shared/energy/plan.ts';
import { PEAK_RESERVE } from '../../../main/core/energy/planning/site-problem.ts';
import { SLOT_MS, type ZoneModel, comfort, dayAheadPrice, problemAt } from './site.ts';
import type { Measured, SlotActions } from './virtual-building.ts';

/** Decides one slot's actions from what it measures (and, for the optimiser, its last plan). */
export interface Controller {
  name: string;
  decide(start: number, m: Measured, peakSoFarKw: number): Promise<SlotActions>;
}

const EV_MAX_KW = 11.04;
const EV_ETA = 0.92;

/** the schedule's setpoint: the comfort floor + 0.5 K, with the morning rise started
 * `PRESTART_MS` early (as an installer sets a heating schedule, so the rooms are warm at 07:00) */
const PRESTART_MS = 2 * 3_600_000;
export function scheduleSetpoint(start: number): number {
  return Math.max(comfort(start)[0], comfort(start + PRESTART_MS)[0]) + 0.5;
}

/** schedules and thermostats only: the schedule's setpoint, EV at full power on arrival, tank
 * thermostat at 55 °C, battery in self-consumption */
export function baselineController(zones: ZoneModel[]): Controller {
  return {
    name: 'baseline (schedules and thermostats)',
    decide: async (start, m) => ({
      setpointC: zones.map(() => scheduleSetpoint(start)),
      battery: 'self',
      evKw: m.ev && m.ev.needKwh > 0 ? EV_MAX_KW : 0,
      tank: { thermostat: 55 },
    }),
  };
}

/**
 * The rule of thumb most home automations use: below the day's median price, charge the battery,
 * boost the heating by 1.5 K, charge the EV and heat the tank to the top; above it, self-consumption,
 * the usual setpoint, and the EV only when its deadline leaves no cheaper choice.
 */
export function ruleOfThumbController(zones: ZoneModel[]): Controller {
  return {
    name: 'rule of thumb (below the day median)',
    decide: async (start, m) => {
      const day = Math.floor(start / 86_400_000) * 86_400_000;
      const prices = Array.from({ length: 96 }, (_, t) => dayAheadPrice(day + t * SLOT_MS)).sort(
        (a, b) => a - b,
      );
      const median = (prices[47]! + prices[48]!) / 2;
      const cheap = dayAheadPrice(start) < median;
      const hi = comfort(start)[1];
      const base = scheduleSetpoint(start);
      let evKw = 0;
      if (m.ev && m.ev.needKwh > 0) {
        const hoursLeft = (m.ev.until - start) / 3_600_000;
        const mustCharge = hoursLeft * EV_MAX_KW * EV_ETA * 0.5 <= m.ev.needKwh;
        evKw = cheap || mustCharge ? EV_MAX_KW : 0;
      }
      return {
        setpointC: zones.map(() => (cheap ? Math.min(hi - 0.5, base + 1) : base)),
        battery: cheap ? 4 : 'self',
        evKw,
        tank: { thermostat: cheap ? 60 : 50 },
      };
    },
  };
}

/**
 * Truss: re-plans every `replanSlots` slots over `horizonSlots` from the measured state (receding
 * horizon) and executes the plan as the planner does: setpoints at the plan's rise for the slot
 * from the measured temperature (never above the planned one, never below the band's floor), battery, EV and tank power as planned; with `importGuard`, the slot's
 * planned import (or the period's peak) is also handed to the site's local load management as a
 * ceiling.
 */
export function optimiserController(
  zones: ZoneModel[],
  solver: PlanSolver,
  opts: {
    horizonSlots: number;
    replanSlots: number;
    timeLimitS?: number;
    importGuard?: boolean;
  },
): Controller & { solveMs: number[]; fallbacks: number } {
  let plan: PlanView | null = null;
  const c = {
    name: 'Truss optimiser (receding horizon)',
    solveMs: [] as number[],
    fallbacks: 0,
    decide: async (start: number, m: Measured, peakSoFarKw: number): Promise<SlotActions> => {
      const age = plan ? Math.round((start - plan.start) / SLOT_MS) : Infinity;
      if (!plan || age >= opts.replanSlots) {
        // the period's peak less a reserve for forecast error, as the planner does (site-problem.ts)
        const problem = problemAt(start, opts.horizonSlots, m, zones, peakSoFarKw * (1 - PEAK_RESERVE));
        const r = await optimise(problem, solver, {
          solve: { timeLimitS: opts.timeLimitS ?? 10, mipGap: 0.001 },
        });
        plan = r.view;
        c.solveMs.push(r.view.solveMs);
        if (r.view.status !== 'optimal') c.fallbacks++;
      }
      const k = Math.round((start - plan.start) / SLOT_MS);
      const slot = plan.slots[k]!;
      const before = plan.slots[k - 1];
      return {
        setpointC: slot.zones.map((z, i) => {
          // as the planner's executor does (plan-executor.ts): the plan's rise for this slot from
          // where the zone really is, never below the comfort floor
          const rise = z.tempC - (before?.zones[i]?.tempC ?? m.zoneC[i]!);
          return Math.max(z.lowC, Math.min(z.tempC, m.zoneC[i]! + Math.max(0, rise)));
        }),
        battery: slot.battery ? slot.battery.chargeKw - slot.battery.dischargeKw : 0,
        evKw: slot.evKw ?? 0,
        tank: slot.hotWater?.kw ?? 0,
        // the plan's import for the slot (or the period's peak, if higher) held locally
        importCapKw: opts.importGuard ? Math.max(slot.importKw, peakSoFarKw) : undefined,
      };
    },
  };
  return c;
}
