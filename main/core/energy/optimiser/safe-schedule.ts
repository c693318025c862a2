import { type PlanProblem, copAt, evPowerKw, slotHours } from './plan-problem.ts';
import { type Schedule, emptySchedule } from './schedule.ts';

/**
 * The schedules and thermostats a building runs without the optimiser, played out over the same
 * horizon with the same models: the baseline every plan is compared with, and the fallback when
 * a plan is infeasible or not solved in time.
 * - zones: a thermostat holding the comfort band's lower edge + `THERMOSTAT_MARGIN` (upper edge −
 *   margin when cooling), as a schedule's setpoint does;
 * - hot water: the tank thermostat at the middle of its range;
 * - EV: charges at full current from plug-in until its need is met;
 * - appliances: start as early as their window allows;
 * - battery: self-consumption (charges from PV surplus, discharges into the site's load).
 */
export const THERMOSTAT_MARGIN = 0.5;

export function safeSchedule(p: PlanProblem): Schedule {
  const s = emptySchedule(p);
  const dt = slotHours(p);
  const zones = p.zones ?? [];
  const zoneT = zones.map((z) => z.tempC);
  let tankC = p.hotWater?.tempC ?? 0;
  let soc = p.battery?.socKwh ?? 0;
  let evNeed = p.ev?.needKwh ?? 0;

  for (let t = 0; t < p.slots; t++) {
    let load = p.baseKw[t]!;
    zones.forEach((z, i) => {
      const keep = z.cKwhPerK - dt / z.rKPerKw;
      const drift = keep * zoneT[i]! + dt * (p.outdoorC[t]! / z.rKPerKw + (z.gainsKw?.[t] ?? 0));
      const heat = dt * copAt(z, p.outdoorC[t]!) * (z.mode === 'heat' ? 1 : -1);
      const setpoint =
        z.mode === 'heat'
          ? Math.min(z.lowC[t]! + THERMOSTAT_MARGIN, z.highC[t]!)
          : Math.max(z.highC[t]! - THERMOSTAT_MARGIN, z.lowC[t]!);
      const kw = clamp((z.cKwhPerK * setpoint - drift) / heat, 0, z.maxKw);
      zoneT[i] = (drift + heat * kw) / z.cKwhPerK;
      s.zoneKw[i]![t] = kw;
      s.zoneC[i]![t] = zoneT[i]!;
      load += kw;
    });

    const hw = p.hotWater;
    if (hw) {
      const keep = hw.capacityKwhPerK - dt * hw.lossKwPerK;
      const drift = keep * tankC - hw.drawKwh[t]! + dt * hw.lossKwPerK * hw.ambientC;
      const target = (hw.minC + hw.maxC) / 2;
      const wanted = (hw.capacityKwhPerK * target - drift) / (dt * hw.efficiency);
      const kw = hw.onOff ? (wanted > 0 ? hw.heaterKw : 0) : clamp(wanted, 0, hw.heaterKw);
      tankC = Math.min(hw.maxC, (drift + dt * hw.efficiency * kw) / hw.capacityKwhPerK);
      s.hotWaterKw[t] = kw;
      s.hotWaterC[t] = tankC;
      load += kw;
    }

    const ev = p.ev;
    if (ev && t >= ev.fromSlot && t < ev.departureSlot && evNeed > 1e-9) {
      const max = evPowerKw(ev, ev.maxCurrentA);
      const min = evPowerKw(ev, ev.minCurrentA);
      const kw = clamp(evNeed / (ev.efficiency * dt), min, max);
      evNeed -= kw * ev.efficiency * dt;
      s.evKw[t] = kw;
      load += kw;
    }

    (p.appliances ?? []).forEach((a, i) => {
      if (t >= a.earliestSlot && t < a.earliestSlot + a.durationSlots) {
        s.applianceKw[i]![t] = a.powerKw;
        load += a.powerKw;
      }
    });

    let net = load - p.pvKw[t]!;
    const b = p.battery;
    if (b) {
      const eta = Math.sqrt(b.roundTripEfficiency);
      if (net < 0) {
        const kw = Math.min(-net, b.maxChargeKw, Math.max(0, (b.socMaxKwh - soc) / (eta * dt)));
        soc += kw * eta * dt;
        s.chargeKw[t] = kw;
        net += kw;
      } else {
        const kw = Math.min(net, b.maxDischargeKw, Math.max(0, ((soc - b.socMinKwh) * eta) / dt));
        soc -= (kw * dt) / eta;
        s.dischargeKw[t] = kw;
        net -= kw;
      }
      s.socKwh[t] = soc;
    }
    if (net >= 0) s.importKw[t] = net;
    else {
      const exportable = Math.min(-net, p.exportLimitKw ?? Infinity);
      s.exportKw[t] = exportable;
      s.curtailKw[t] = Math.min(-net - exportable, p.pvKw[t]!);
    }
  }
  return s;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
