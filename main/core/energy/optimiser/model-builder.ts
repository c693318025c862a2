import { LpModel, type Terms } from './lp-model.ts';
import { DEFAULT_PENALTIES, type PlanProblem, copAt, evPowerKw, slotHours } from './plan-problem.ts';

/**
 * The plan as a MILP. Per slot t (length dt hours):
 *
 *   bal_t:  imp - exp - curtail + discharge - charge - ev - hotwater - Σ heatpumps - Σ appliances
 *           = base - pv                                   (kW; its dual is the slot's energy value)
 *   battery: soc_t = soc_{t-1} + η·dt·charge - dt/η·discharge, charge ≤ Pc·b, discharge ≤ Pd·(1-b)
 *           with b binary (never both at once), end SoC ≥ start SoC (no emptying at the horizon)
 *   EV:     ev ∈ {0} ∪ [Pmin, Pmax] while plugged in (binary on/off), Σ η·dt·ev ≥ need by departure
 *   tank:   C·T_t = C·T_{t-1} + dt·eff·heat - draw - dt·UA·(T_{t-1} - ambient), T ≤ max, T ≥ min (soft)
 *   zones:  1R1C  C·T_t = C·T_{t-1} + dt·((Tout_t - T_{t-1})/R ± COP(Tout_t)·hp + gains), band soft
 *   appliances: one binary start per allowed slot, exactly one start
 *   peak:   imp_t ≤ peak for slots in the billing period (demand charge on the period's 15-min peak)
 *   caps:   imp_t ≤ cap_t + over_t (demand response; over is penalised)
 *
 * Objective: energy bought - energy sold + battery wear + demand charge + penalties.
 */
export interface BuiltModel {
  lp: LpModel;
  problem: PlanProblem;
  dtH: number;
}

export function buildModel(p: PlanProblem): BuiltModel {
  validateProblem(p);
  const lp = new LpModel();
  const dt = slotHours(p);
  const T = p.slots;
  const pen = { ...DEFAULT_PENALTIES, ...p.penalties };
  const slots = [...Array(T).keys()];
  // per-slot loads added to the balance row by each asset
  const loads: Array<Array<[number, string]>> = slots.map(() => []);

  for (const t of slots) {
    lp.variable(`imp_${t}`, 0, p.importLimitKw ?? Infinity);
    lp.variable(`exp_${t}`, 0, p.exportLimitKw ?? Infinity);
    lp.variable(`cur_${t}`, 0, Math.max(0, p.pvKw[t]!));
    // paid to import and export at once is an arbitrage no meter allows: export at most the import price
    lp.cost(`imp_${t}`, dt * p.importPrice[t]!);
    lp.cost(`exp_${t}`, -dt * Math.min(p.exportPrice[t]!, p.importPrice[t]!));
  }

  const b = p.battery;
  if (b) {
    const eta = Math.sqrt(b.roundTripEfficiency);
    for (const t of slots) {
      lp.variable(`bc_${t}`, 0, b.maxChargeKw);
      lp.variable(`bd_${t}`, 0, b.maxDischargeKw);
      lp.binary(`bb_${t}`);
      lp.variable(`soc_${t}`, b.socMinKwh, b.socMaxKwh);
      lp.cost(`bd_${t}`, dt * b.cyclingCostPerKwh);
      const prev: Terms = t === 0 ? [] : [[-1, `soc_${t - 1}`]];
      lp.row(
        `soc_${t}`,
        [[1, `soc_${t}`], ...prev, [-eta * dt, `bc_${t}`], [dt / eta, `bd_${t}`]],
        '=',
        t === 0 ? b.socKwh : 0,
      );
      lp.row(
        `bch_${t}`,
        [
          [1, `bc_${t}`],
          [-b.maxChargeKw, `bb_${t}`],
        ],
        '<=',
        0,
      );
      lp.row(
        `bdis_${t}`,
        [
          [1, `bd_${t}`],
          [b.maxDischargeKw, `bb_${t}`],
        ],
        '<=',
        b.maxDischargeKw,
      );
      loads[t]!.push([-1, `bc_${t}`], [1, `bd_${t}`]);
    }
    lp.row('soc_end', [[1, `soc_${T - 1}`]], '>=', Math.min(Math.max(b.socKwh, b.socMinKwh), b.socMaxKwh));
  }

  const ev = p.ev;
  if (ev) {
    const pMax = evPowerKw(ev, ev.maxCurrentA);
    const pMin = evPowerKw(ev, ev.minCurrentA);
    const need: Array<[number, string]> = [];
    for (let t = Math.max(0, ev.fromSlot); t < Math.min(T, ev.departureSlot); t++) {
      lp.variable(`ev_${t}`, 0, pMax);
      lp.binary(`eo_${t}`);
      lp.row(
        `evmax_${t}`,
        [
          [1, `ev_${t}`],
          [-pMax, `eo_${t}`],
        ],
        '<=',
        0,
      );
      lp.row(
        `evmin_${t}`,
        [
          [1, `ev_${t}`],
          [-pMin, `eo_${t}`],
        ],
        '>=',
        0,
      );
      loads[t]!.push([-1, `ev_${t}`]);
      need.push([ev.efficiency * dt, `ev_${t}`]);
    }
    if (ev.needKwh > 0) lp.row('ev_need', need, '>=', ev.needKwh);
  }

  const hw = p.hotWater;
  if (hw) {
    for (const t of slots) {
      if (hw.onOff) {
        lp.binary(`hw_${t}`);
        loads[t]!.push([-hw.heaterKw, `hw_${t}`]);
      } else {
        lp.variable(`hw_${t}`, 0, hw.heaterKw);
        loads[t]!.push([-1, `hw_${t}`]);
      }
      const heatPerUnit = dt * hw.efficiency * (hw.onOff ? hw.heaterKw : 1);
      lp.variable(`hwt_${t}`, -50, hw.maxC);
      lp.variable(`hws_${t}`, 0, Infinity);
      lp.cost(`hws_${t}`, dt * pen.hotWaterPerKh);
      const keep = hw.capacityKwhPerK - dt * hw.lossKwPerK;
      const prev: Terms = t === 0 ? [] : [[-keep, `hwt_${t - 1}`]];
      const rhs = -hw.drawKwh[t]! + dt * hw.lossKwPerK * hw.ambientC + (t === 0 ? keep * hw.tempC : 0);
      lp.row(`hw_${t}`, [[hw.capacityKwhPerK, `hwt_${t}`], ...prev, [-heatPerUnit, `hw_${t}`]], '=', rhs);
      lp.row(
        `hwlo_${t}`,
        [
          [1, `hwt_${t}`],
          [1, `hws_${t}`],
        ],
        '>=',
        hw.minC,
      );
    }
  }

  (p.zones ?? []).forEach((z, i) => {
    const sign = z.mode === 'heat' ? 1 : -1;
    const keep = z.cKwhPerK - dt / z.rKPerKw;
    for (const t of slots) {
      const hp = lp.variable(`z${i}p_${t}`, 0, z.maxKw);
      const temp = lp.variable(`z${i}t_${t}`, -60, 80);
      lp.variable(`z${i}l_${t}`, 0, Infinity);
      lp.variable(`z${i}h_${t}`, 0, Infinity);
      lp.cost(`z${i}l_${t}`, dt * pen.comfortPerKh);
      lp.cost(`z${i}h_${t}`, dt * pen.comfortPerKh);
      const prev: Terms = t === 0 ? [] : [[-keep, `z${i}t_${t - 1}`]];
      const gains = z.gainsKw?.[t] ?? 0;
      const rhs = dt * (p.outdoorC[t]! / z.rKPerKw + gains) + (t === 0 ? keep * z.tempC : 0);
      const heat = sign * dt * copAt(z, p.outdoorC[t]!);
      lp.row(`z${i}_${t}`, [[z.cKwhPerK, temp], ...prev, [-heat, hp]], '=', rhs);
      lp.row(
        `z${i}lo_${t}`,
        [
          [1, temp],
          [1, `z${i}l_${t}`],
        ],
        '>=',
        z.lowC[t]!,
      );
      lp.row(
        `z${i}hi_${t}`,
        [
          [1, temp],
          [-1, `z${i}h_${t}`],
        ],
        '<=',
        z.highC[t]!,
      );
      loads[t]!.push([-1, hp]);
    }
  });

  (p.appliances ?? []).forEach((a, i) => {
    const starts: Array<[number, string]> = [];
    for (let s = a.earliestSlot; s + a.durationSlots <= Math.min(a.latestEndSlot, T); s++) {
      const v = lp.binary(`a${i}s_${s}`);
      starts.push([1, v]);
      for (let t = s; t < s + a.durationSlots; t++) loads[t]!.push([-a.powerKw, v]);
    }
    lp.row(`a${i}_once`, starts, '=', 1);
  });

  if (p.demand) {
    lp.variable('peak', Math.max(0, p.demand.peakSoFarKw), Infinity);
    lp.cost('peak', p.demand.pricePerKw);
    for (const t of slots) {
      if (p.start + t * p.slotMs >= p.demand.periodEnd) break;
      lp.row(
        `pk_${t}`,
        [
          [1, `imp_${t}`],
          [-1, 'peak'],
        ],
        '<=',
        0,
      );
    }
  }

  for (const t of slots) {
    const cap = p.importCapKw?.[t];
    if (cap === null || cap === undefined) continue;
    lp.variable(`over_${t}`, 0, Infinity);
    lp.cost(`over_${t}`, dt * pen.capPerKwh);
    lp.row(
      `cap_${t}`,
      [
        [1, `imp_${t}`],
        [-1, `over_${t}`],
      ],
      '<=',
      cap,
    );
  }

  for (const t of slots) {
    lp.row(
      `bal_${t}`,
      [[1, `imp_${t}`], [-1, `exp_${t}`], [-1, `cur_${t}`], ...loads[t]!],
      '=',
      p.baseKw[t]! - Math.max(0, p.pvKw[t]!),
    );
  }
  return { lp, problem: p, dtH: dt };
}

/** Problems come from the planner's own arithmetic; a bad one is a bug worth a clear message. */
export function validateProblem(p: PlanProblem): void {
  const bad = (what: string) => {
    throw new Error(`plan problem: ${what}`);
  };
  if (!Number.isInteger(p.slots) || p.slots < 1 || p.slots > 1000) bad(`slots ${p.slots}`);
  if (!(p.slotMs >= 60_000)) bad(`slot length ${p.slotMs} ms`);
  for (const key of ['importPrice', 'exportPrice', 'pvKw', 'baseKw', 'outdoorC'] as const) {
    const s = p[key];
    if (s.length !== p.slots) bad(`${key} has ${s.length} values for ${p.slots} slots`);
    if (!s.every(Number.isFinite)) bad(`${key} has a value that is not a finite number`);
  }
  const b = p.battery;
  if (
    b &&
    !(
      b.socMinKwh <= b.socMaxKwh &&
      b.socMaxKwh <= b.capacityKwh &&
      b.roundTripEfficiency > 0 &&
      b.roundTripEfficiency <= 1
    )
  )
    bad(`battery ${b.id}: SoC limits or efficiency out of range`);
  const ev = p.ev;
  if (ev && !(ev.minCurrentA <= ev.maxCurrentA && ev.efficiency > 0 && ev.efficiency <= 1))
    bad(`EV ${ev.id}: current limits`);
  for (const z of p.zones ?? []) {
    if (!(z.rKPerKw > 0 && z.cKwhPerK > 0)) bad(`zone ${z.id}: R and C must be positive`);
    if (z.cKwhPerK <= slotHours(p) / z.rKPerKw) bad(`zone ${z.id}: time constant R·C shorter than a slot`);
    if (z.lowC.length !== p.slots || z.highC.length !== p.slots) bad(`zone ${z.id}: comfort band length`);
  }
  for (const a of p.appliances ?? [])
    if (!(a.durationSlots >= 1 && a.earliestSlot >= 0)) bad(`appliance ${a.id}: duration or window`);
}
