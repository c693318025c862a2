import type { PlanProblem, ZoneAsset } from '../../../main/core/energy/optimiser/plan-problem.ts';
import { COMFORT_MARGIN_K } from '../../../main/core/energy/planning/site-problem.ts';

/**
 * The demo building the energy benchmark plans: 10 heat-pump zones, a home battery, an EV and a
 * hot-water tank, on a day-ahead price curve shaped like the demo's market (cheap nights and
 * noon, dear evening peaks) with a demand charge, for a horizon from `start`. Deterministic.
 */
export const SLOT_MS = 15 * 60_000;
/** per kW of the simulated period's highest 15-min import (the week is one billing period) */
export const DEMAND_PRICE_PER_KW = 2.5;
export const EXPORT_PRICE = 0.06;
export const EV_NEED_KWH = 20;

export function dayAheadPrice(ms: number): number {
  const h = new Date(ms).getUTCHours() + new Date(ms).getUTCMinutes() / 60;
  const day = Math.floor(ms / 86_400_000);
  const morning = 0.09 * Math.exp(-((h - 7.5) ** 2) / 2);
  const evening = 0.16 * Math.exp(-((h - 18.5) ** 2) / 3);
  const noonDip = -0.07 * Math.exp(-((h - 13) ** 2) / 4);
  const weather = 0.03 * Math.sin(day * 1.7);
  // all-in: market price plus grid fees and levies
  return Math.round((0.14 + morning + evening + noonDip + weather) * 10_000) / 10_000;
}

export function outdoorC(ms: number): number {
  const h = new Date(ms).getUTCHours() + new Date(ms).getUTCMinutes() / 60;
  const day = Math.floor(ms / 86_400_000);
  return 3 + 4 * Math.sin(((h - 9) / 24) * 2 * Math.PI) + 2 * Math.sin(day * 0.9);
}

export function pvKw(ms: number): number {
  const h = new Date(ms).getUTCHours() + new Date(ms).getUTCMinutes() / 60;
  const day = Math.floor(ms / 86_400_000);
  const cloud = 0.6 + 0.4 * Math.abs(Math.sin(day * 2.3));
  return Math.max(0, 8 * cloud * Math.sin(((h - 8) / 9) * Math.PI)) * (h > 8 && h < 17 ? 1 : 0);
}

export function baseKw(ms: number): number {
  const h = new Date(ms).getUTCHours();
  return h >= 7 && h < 22 ? 1.6 + 0.4 * Math.sin(h) : 0.6;
}

export function hotWaterDrawKwh(ms: number): number {
  const h = new Date(ms).getUTCHours();
  const m = new Date(ms).getUTCMinutes();
  return (h === 7 || h === 19) && m < 30 ? 1.2 : 0;
}

export interface ZoneModel {
  id: string;
  rKPerKw: number;
  cKwhPerK: number;
  maxKw: number;
  copAt7: number;
  copSlopePerK: number;
}

export function zoneModels(n: number): ZoneModel[] {
  return [...Array(n).keys()].map((i) => ({
    id: `zone${i + 1}`,
    rKPerKw: 8 + (i % 4) * 2,
    cKwhPerK: 3 + (i % 3) * 1.5,
    maxKw: 2,
    copAt7: 3.4 - (i % 2) * 0.3,
    copSlopePerK: 0.08,
  }));
}

/** occupied 07:00-19:00: 20.5-23 °C; otherwise 19-24 °C (a heat pump's shallow night setback) */
export function comfort(ms: number): [number, number] {
  const h = new Date(ms).getUTCHours();
  return h >= 7 && h < 19 ? [20.5, 23] : [19, 24];
}

export interface SiteState {
  zoneC: number[];
  socKwh: number;
  tankC: number;
  /** EV: plugged in from/until (ms) and the energy still needed */
  ev: { from: number; until: number; needKwh: number } | null;
}

export function problemAt(
  start: number,
  slots: number,
  state: SiteState,
  zones: ZoneModel[],
  peakSoFarKw = 0,
  onOffTank = false,
): PlanProblem {
  const at = (t: number) => start + t * SLOT_MS;
  const series = <T>(f: (ms: number) => T) => [...Array(slots).keys()].map((t) => f(at(t)));
  const importPrice = series(dayAheadPrice);
  const ev = state.ev;
  return {
    start,
    slotMs: SLOT_MS,
    slots,
    importPrice,
    exportPrice: importPrice.map(() => EXPORT_PRICE),
    pvKw: series(pvKw),
    baseKw: series(baseKw),
    outdoorC: series(outdoorC),
    importLimitKw: 30,
    exportLimitKw: 10,
    demand: { pricePerKw: DEMAND_PRICE_PER_KW, peakSoFarKw, periodEnd: start + 40 * 86_400_000 },
    battery: {
      id: 'battery',
      capacityKwh: 10,
      socMinKwh: 1,
      socMaxKwh: 9.5,
      socKwh: state.socKwh,
      maxChargeKw: 4,
      maxDischargeKw: 4,
      roundTripEfficiency: 0.9,
      cyclingCostPerKwh: 0.02,
    },
    ev:
      ev && ev.needKwh > 0.05 && ev.until > start
        ? {
            id: 'ev',
            fromSlot: Math.max(0, Math.ceil((ev.from - start) / SLOT_MS)),
            departureSlot: Math.floor((ev.until - start) / SLOT_MS),
            needKwh: ev.needKwh,
            minCurrentA: 6,
            maxCurrentA: 16,
            phases: 3,
            voltage: 230,
            efficiency: 0.92,
          }
        : null,
    hotWater: {
      id: 'tank',
      capacityKwhPerK: 0.23,
      tempC: state.tankC,
      minC: 45,
      maxC: 65,
      heaterKw: 3,
      efficiency: 1,
      lossKwPerK: 0.003,
      ambientC: 18,
      drawKwh: series(hotWaterDrawKwh),
      // the element is switched within a slot (duty cycle), as the planner executes it
      onOff: onOffTank,
    },
    zones: zones.map((z, i): ZoneAsset => ({
      ...z,
      name: `Zone ${i + 1}`,
      mode: 'heat',
      tempC: state.zoneC[i]!,
      // planned inside the band by the thermostats' swing, as the planner does (site-problem.ts)
      lowC: series((ms) => comfort(ms)[0] + COMFORT_MARGIN_K),
      highC: series((ms) => comfort(ms)[1] - COMFORT_MARGIN_K),
    })),
  };
}
