import type { SlotReason } from '../../../../shared/energy/plan.ts';
import type { PlanProblem } from './plan-problem.ts';
import type { Schedule } from './schedule.ts';

/**
 * Why the plan does what it does, per slot and asset, read from the solution and the duals of
 * the LP with integers fixed (model-builder.ts names the rows):
 * - `bal_t`  the value of one more kWh in slot t: the price the plan really pays there;
 * - `soc_t`  (negated) the value of one kWh stored in the battery at t's end;
 * - `pk_t`   non-zero while slot t's import sets the billing period's peak;
 * - `cap_t`  non-zero while a demand-response cap holds import down;
 * - `z{i}lo_t`/`hwlo_t`  non-zero while a comfort minimum holds;
 * - `ev_need` the value of one more kWh for the EV: the dearest slot its deadline forces.
 * Words, not numbers alone: a building manager reads "charging from PV surplus", not a dual.
 */
const TINY = 1e-6;

export interface ExplainOptions {
  currency?: string;
  timezone?: string;
  /** asset ids under a person's override */
  overrides?: ReadonlySet<string>;
}

export function explainSlots(
  p: PlanProblem,
  s: Schedule,
  duals: Readonly<Record<string, number>>,
  opts: ExplainOptions = {},
): SlotReason[][] {
  const cur = opts.currency ? ` ${opts.currency}` : '';
  const money = (x: number) => `${x.toFixed(3)}${cur}/kWh`;
  const kw = (x: number) => `${x.toFixed(1)} kW`;
  const clock = (t: number) =>
    new Date(p.start + t * p.slotMs).toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: opts.timezone ?? 'UTC',
    });
  const d = (name: string) => duals[name] ?? 0;
  const surplus = (t: number) => s.exportKw[t]! > TINY || s.curtailKw[t]! > TINY;
  const overridden = (id: string) => opts.overrides?.has(id) ?? false;

  const out: SlotReason[][] = [];
  for (let t = 0; t < p.slots; t++) {
    const reasons: SlotReason[] = [];
    const add = (asset: string, because: SlotReason['because'], text: string) =>
      reasons.push({ asset, because, text });
    const price = p.importPrice[t]!;
    const peakBinding = Math.abs(d(`pk_${t}`)) > TINY;
    const capBinding =
      Math.abs(d(`cap_${t}`)) > TINY ||
      (p.importCapKw?.[t] != null && s.importKw[t]! >= p.importCapKw[t]! - TINY);

    if (peakBinding)
      add(
        'site',
        'peak_limit',
        `Import held at ${kw(s.importKw[t]!)}, the billing period's peak: more would raise the demand charge.`,
      );
    if (capBinding && p.importCapKw?.[t] != null)
      add(
        'site',
        'import_cap',
        `Import kept at or under the demand-response cap of ${kw(p.importCapKw[t]!)}.`,
      );

    const b = p.battery;
    if (b && s.chargeKw[t]! > TINY) {
      const stored = -d(`soc_${t}`);
      if (surplus(t) || p.pvKw[t]! > p.baseKw[t]!)
        add(
          b.id,
          'pv_surplus',
          `Battery charges ${kw(s.chargeKw[t]!)} from PV surplus that would sell for only ${money(p.exportPrice[t]!)}.`,
        );
      else
        add(
          b.id,
          'price',
          `Battery charges ${kw(s.chargeKw[t]!)} at ${money(price)}; stored energy is worth ${money(stored)} later.`,
        );
    } else if (b && s.dischargeKw[t]! > TINY) {
      if (peakBinding)
        add(b.id, 'peak_limit', `Battery discharges ${kw(s.dischargeKw[t]!)} to keep the peak down.`);
      else if (capBinding)
        add(
          b.id,
          'import_cap',
          `Battery discharges ${kw(s.dischargeKw[t]!)} to stay under the demand-response cap.`,
        );
      else
        add(
          b.id,
          'price',
          `Battery discharges ${kw(s.dischargeKw[t]!)} while power costs ${money(price)}, more than the stored energy is worth.`,
        );
    }

    const ev = p.ev;
    if (ev && s.evKw[t]! > TINY) {
      const dearest = d('ev_need') / ev.efficiency;
      const window = p.importPrice.slice(Math.max(0, ev.fromSlot), Math.min(p.slots, ev.departureSlot));
      const cheap = price <= Math.min(...window) + TINY;
      if (ev.chargeNow || overridden(ev.id))
        add(ev.id, 'override', `EV charges ${kw(s.evKw[t]!)} now, as asked.`);
      else if (surplus(t) || p.pvKw[t]! > p.baseKw[t]!)
        add(ev.id, 'pv_surplus', `EV charges ${kw(s.evKw[t]!)} from PV surplus.`);
      else if (cheap)
        add(
          ev.id,
          'price',
          `EV charges ${kw(s.evKw[t]!)} in one of the cheapest slots before departure at ${clock(ev.departureSlot)} (${money(price)}).`,
        );
      else
        add(
          ev.id,
          'departure_deadline',
          `EV charges ${kw(s.evKw[t]!)} at ${money(price)} though cheaper slots exist: they cannot deliver all it needs by departure at ${clock(ev.departureSlot)} (the dearest kWh the deadline forces costs ${money(dearest)}).`,
        );
    }

    const hw = p.hotWater;
    if (hw && s.hotWaterKw[t]! > TINY) {
      const atMin = Math.abs(d(`hwlo_${t}`)) > TINY || s.hotWaterC[t]! <= hw.minC + 0.05;
      if (overridden(hw.id)) add(hw.id, 'override', `Hot water heats ${kw(s.hotWaterKw[t]!)}, as asked.`);
      else if (surplus(t) || p.pvKw[t]! > p.baseKw[t]!)
        add(hw.id, 'pv_surplus', `Hot water heats with PV surplus (${kw(s.hotWaterKw[t]!)}).`);
      else if (atMin)
        add(
          hw.id,
          'comfort_bound',
          `Hot water heats to keep the tank at its ${hw.minC.toFixed(0)} °C minimum.`,
        );
      else
        add(
          hw.id,
          'price',
          `Hot water heats ahead while power costs ${money(price)}; the tank stores it for later.`,
        );
    }

    (p.zones ?? []).forEach((z, i) => {
      const kwz = s.zoneKw[i]![t]!;
      if (kwz <= TINY) return;
      const temp = s.zoneC[i]![t]!;
      const verb = z.mode === 'heat' ? 'heats' : 'cools';
      const atBound =
        Math.abs(d(`z${i}lo_${t}`)) > TINY ||
        Math.abs(d(`z${i}hi_${t}`)) > TINY ||
        (z.mode === 'heat' ? temp <= z.lowC[t]! + 0.05 : temp >= z.highC[t]! - 0.05);
      const bound = z.mode === 'heat' ? z.lowC[t]! : z.highC[t]!;
      if (overridden(z.id))
        add(z.id, 'override', `${z.name} ${verb} (${kw(kwz)}) to hold the temperature asked for.`);
      else if (surplus(t) || p.pvKw[t]! > p.baseKw[t]!)
        add(z.id, 'pv_surplus', `${z.name} ${verb} with PV surplus (${kw(kwz)}, ${temp.toFixed(1)} °C).`);
      else if (atBound)
        add(
          z.id,
          'comfort_bound',
          `${z.name} ${verb} ${kw(kwz)} to stay at its comfort limit of ${bound.toFixed(1)} °C.`,
        );
      else
        add(
          z.id,
          'price',
          `${z.name} ${z.mode === 'heat' ? 'pre-heats' : 'pre-cools'} to ${temp.toFixed(1)} °C while power costs ${money(price)}; the building stores the heat for dearer hours.`,
        );
    });

    (p.appliances ?? []).forEach((a, i) => {
      if (s.applianceKw[i]![t]! <= TINY || (t > 0 && s.applianceKw[i]![t - 1]! > TINY)) return;
      const why = surplus(t) || p.pvKw[t]! > p.baseKw[t]! ? 'pv_surplus' : 'price';
      add(
        a.id,
        why,
        `${a.name} starts at ${clock(t)}: ${why === 'pv_surplus' ? 'PV surplus covers it' : `the cheapest run in its window (${money(price)} at the start)`}.`,
      );
    });
    out.push(reasons);
  }
  return out;
}

/** a fallback's reasons: every active asset follows its safe schedule */
export function explainFallback(p: PlanProblem, s: Schedule, why: string): SlotReason[][] {
  const out: SlotReason[][] = [];
  for (let t = 0; t < p.slots; t++) {
    const r: SlotReason[] = [];
    const active =
      s.chargeKw[t]! +
        s.dischargeKw[t]! +
        s.evKw[t]! +
        s.hotWaterKw[t]! +
        s.zoneKw.reduce((a, z) => a + z[t]!, 0) >
      TINY;
    if (t === 0 || active)
      r.push({
        asset: 'site',
        because: 'safe_schedule',
        text: `Safe schedules and thermostats run: ${why}.`,
      });
    out.push(r);
  }
  return out;
}
