import type { DrEventView, PlanOverride, PlanSettings } from '../../../../shared/energy/plan-settings.ts';
import type { PlanProblem, ZoneAsset } from '../optimiser/plan-problem.ts';
import { evPowerKw } from '../optimiser/plan-problem.ts';
import type { PlanInputs } from '../plan-inputs.ts';
import { clockMinutes, firstSlotAtOrAfter, inWindow, slotMinutes } from './local-slots.ts';

export const SLOT_MS = 15 * 60_000;
/** a held temperature is a band this wide around the asked value */
const HOLD_BAND_K = 0.25;
/**
 * Zones are planned this far inside their comfort band: thermostats swing about ±0.25 K around
 * their setpoint, and a plan that rides the band's edge would leave it on every swing.
 */
export const COMFORT_MARGIN_K = 0.3;
/**
 * The plan treats the billing period's peak so far as free only up to this share below it: a plan
 * that fills import right up to the peak raises it on the first forecast error, and every later
 * plan would fill the new peak again (a ratchet).
 */
export const PEAK_RESERVE = 0.1;

/** what the planner reads of the site right now (entity states) */
export interface SiteReadings {
  number(entityId: string): number | null;
  on(entityId: string): boolean | null;
}

export interface SiteProblemInput {
  now: number;
  settings: PlanSettings;
  inputs: PlanInputs;
  readings: SiteReadings;
  overrides: readonly PlanOverride[];
  dr: readonly DrEventView[];
  /** EV energy delivered since it was plugged in, kWh */
  evDeliveredKwh: number;
  /** appliances that already ran in their current window */
  appliancesDone: ReadonlySet<string>;
}

export interface SiteProblem {
  problem: PlanProblem;
  /** what was left out or adjusted, in words (shown with the plan) */
  notes: string[];
}

/**
 * The optimiser's problem for the site now: prices and forecasts from the energy module (the
 * `PlanInputs` seam), the assets from the planner's settings in their measured state, comfort
 * bands and draws at their local times, overrides and demand-response caps applied. An asset whose
 * state is unknown is left out of the plan (and said so) rather than planned from a guess.
 */
export function siteProblem(i: SiteProblemInput): SiteProblem {
  const { settings: s, inputs, readings, now } = i;
  const notes: string[] = [];
  const start = Math.floor(now / SLOT_MS) * SLOT_MS;
  const slots = s.horizonHours * 4;
  const tz = inputs.timezone();
  const starts = Array.from({ length: slots }, (_, t) => start + t * SLOT_MS);
  const minutes = slotMinutes(start, SLOT_MS, slots, tz);
  const prices = inputs.prices(starts, SLOT_MS);
  const kw = (w: number[]) => w.map((x) => x / 1000);
  const limits = inputs.gridLimits();
  const override = (asset: string) => i.overrides.find((o) => o.asset === asset && o.until > now);

  const problem: PlanProblem = {
    start,
    slotMs: SLOT_MS,
    slots,
    importPrice: prices.importPerKwh,
    exportPrice: prices.exportPerKwh,
    pvKw: kw(inputs.pvForecastW(starts, SLOT_MS)),
    baseKw: kw(inputs.baseLoadForecastW(starts, SLOT_MS)),
    outdoorC: inputs.outdoorTempForecastC(starts, SLOT_MS),
    importLimitKw: limits.importW === null ? null : limits.importW / 1000,
    exportLimitKw: limits.exportW === null ? null : limits.exportW / 1000,
    demand: reserved(inputs.demandCharge(now)),
    importCapKw: starts.map((ms) => {
      const caps = i.dr.filter((e) => e.from <= ms && ms < e.to).map((e) => e.capKw);
      return caps.length ? Math.min(...caps) : null;
    }),
    zones: [],
    appliances: [],
  };

  const b = s.battery;
  if (b) {
    const pct = readings.number(b.socEntity);
    if (pct === null) notes.push(`${b.name} left out: its state of charge (${b.socEntity}) is unknown.`);
    else {
      const min = (b.capacityKwh * b.socMinPct) / 100;
      const max = (b.capacityKwh * b.socMaxPct) / 100;
      problem.battery = {
        id: b.id,
        capacityKwh: b.capacityKwh,
        socMinKwh: min,
        socMaxKwh: max,
        // a battery outside its band (after a manual discharge) starts from the band's edge
        socKwh: Math.min(max, Math.max(min, (b.capacityKwh * Math.min(100, Math.max(0, pct))) / 100)),
        maxChargeKw: b.maxChargeKw,
        maxDischargeKw: b.maxDischargeKw,
        roundTripEfficiency: b.roundTripEfficiency,
        cyclingCostPerKwh: b.cyclingCostPerKwh,
      };
    }
  }

  const ev = s.ev;
  if (ev && readings.on(ev.pluggedEntity) === true) {
    const need = Math.max(0, ev.needKwh - i.evDeliveredKwh);
    const perSlot = evPowerKw(ev, ev.maxCurrentA) * ev.efficiency * (SLOT_MS / 3_600_000);
    const now_ = override(ev.id)?.kind === 'ev_charge_now';
    let departure = firstSlotAtOrAfter(minutes, 1, ev.departure) ?? slots;
    if (now_) departure = Math.min(slots, Math.max(1, Math.ceil(need / perSlot)));
    let needKwh = need;
    if (need > perSlot * departure + 1e-9) {
      needKwh = perSlot * departure;
      notes.push(
        `${ev.name} needs ${need.toFixed(1)} kWh but can take at most ${needKwh.toFixed(1)} kWh by ${ev.departure}: planned for that.`,
      );
    }
    if (needKwh > 0.01)
      problem.ev = {
        id: ev.id,
        fromSlot: 0,
        departureSlot: departure,
        needKwh,
        minCurrentA: ev.minCurrentA,
        maxCurrentA: ev.maxCurrentA,
        phases: ev.phases,
        voltage: ev.voltage,
        efficiency: ev.efficiency,
        chargeNow: now_,
      };
  }

  const hw = s.hotWater;
  if (hw) {
    const temp = readings.number(hw.tempEntity);
    if (temp === null) notes.push(`${hw.name} left out: its temperature (${hw.tempEntity}) is unknown.`);
    else
      problem.hotWater = {
        id: hw.id,
        capacityKwhPerK: (hw.volumeL * 4.186) / 3600,
        tempC: temp,
        minC: hw.minC,
        maxC: hw.maxC,
        heaterKw: hw.heaterKw,
        efficiency: hw.efficiency,
        lossKwPerK: hw.lossKwPerK,
        ambientC: hw.ambientC,
        drawKwh: minutes.map((m) =>
          hw.draws.reduce((sum, d) => (inWindow(clockMinutes(d.at), m, m + 15) ? sum + d.kwh : sum), 0),
        ),
        // the element is switched within a slot (duty cycle), so its slot power is continuous
        onOff: false,
      };
  }

  for (const z of s.zones) {
    const temp = readings.number(z.tempEntity);
    if (temp === null) {
      notes.push(`${z.name} left out: its temperature (${z.tempEntity}) is unknown.`);
      continue;
    }
    const hold = override(z.id);
    const band = minutes.map((m, t): [number, number] => {
      if (hold?.kind === 'hold_temperature' && starts[t]! < hold.until)
        return [hold.tempC - HOLD_BAND_K, hold.tempC + HOLD_BAND_K];
      const p = z.comfort.find((c) => inWindow(m, clockMinutes(c.from), clockMinutes(c.to)));
      const [lo, hi] = p ? [p.lowC, p.highC] : [z.lowC, z.highC];
      // a band narrower than twice the margin is planned at its middle
      const margin = Math.min(COMFORT_MARGIN_K, (hi - lo) / 2);
      return [lo + margin, hi - margin];
    });
    const zone: ZoneAsset = {
      id: z.id,
      name: z.name,
      mode: z.mode,
      rKPerKw: z.rKPerKw,
      cKwhPerK: z.cKwhPerK,
      tempC: temp,
      maxKw: z.maxKw,
      copAt7: z.copAt7,
      copSlopePerK: z.copSlopePerK,
      lowC: band.map((b) => b[0]),
      highC: band.map((b) => b[1]),
    };
    problem.zones!.push(zone);
  }

  for (const a of s.appliances) {
    if (i.appliancesDone.has(a.id)) continue;
    const duration = Math.ceil(a.durationMinutes / 15);
    const from = clockMinutes(a.from);
    const to = clockMinutes(a.to);
    // the current or next window: from its first slot (or now) to its end
    const first = minutes.findIndex((m) => inWindow(m, from, to));
    if (first < 0) continue;
    let end = first;
    while (end < slots && inWindow(minutes[end]!, from, to)) end++;
    if (end - first < duration) {
      if (end < slots)
        notes.push(`${a.name} left out: its window has less than ${a.durationMinutes} min left.`);
      continue;
    }
    problem.appliances!.push({
      id: a.id,
      name: a.name,
      powerKw: a.powerKw,
      durationSlots: duration,
      earliestSlot: first,
      latestEndSlot: end,
    });
  }
  return { problem, notes };
}

function reserved<T extends { peakSoFarKw: number } | null>(d: T): T {
  return d === null ? d : { ...d, peakSoFarKw: d.peakSoFarKw * (1 - PEAK_RESERVE) };
}
