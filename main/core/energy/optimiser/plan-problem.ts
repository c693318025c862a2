/**
 * What the optimiser is asked: one horizon of equal slots with prices and forecasts, the site's
 * limits and the flexible assets in their current state. Power in kW, energy in kWh, temperatures
 * in °C, money in the tariff's currency. Series have one value per slot. The planner builds a
 * problem from `PlanInputs` and the asset settings; tests build small ones by hand.
 */
export interface PlanProblem {
  /** ms of slot 0's start */
  start: number;
  slotMs: number;
  slots: number;
  importPrice: number[];
  exportPrice: number[];
  pvKw: number[];
  baseKw: number[];
  outdoorC: number[];
  /** site connection limits, kW; null where none */
  importLimitKw: number | null;
  exportLimitKw: number | null;
  /** demand-response import caps per slot, kW (null: none); soft, so a plan always exists */
  importCapKw?: (number | null)[];
  /** the billing period's demand charge; only slots before `periodEnd` count towards its peak */
  demand?: { pricePerKw: number; peakSoFarKw: number; periodEnd: number } | null;
  battery?: BatteryAsset | null;
  ev?: EvAsset | null;
  hotWater?: HotWaterAsset | null;
  zones?: ZoneAsset[];
  appliances?: ApplianceAsset[];
  /** penalties of the soft limits (per K·h outside a comfort band, per kWh over a cap) */
  penalties?: Partial<Penalties>;
}

export interface Penalties {
  comfortPerKh: number;
  hotWaterPerKh: number;
  capPerKwh: number;
}

export const DEFAULT_PENALTIES: Penalties = { comfortPerKh: 5, hotWaterPerKh: 2, capPerKwh: 10 };

export interface BatteryAsset {
  id: string;
  capacityKwh: number;
  socMinKwh: number;
  socMaxKwh: number;
  socKwh: number;
  maxChargeKw: number;
  maxDischargeKw: number;
  /** 0..1, split evenly between charging and discharging */
  roundTripEfficiency: number;
  /** wear per kWh discharged */
  cyclingCostPerKwh: number;
}

export interface EvAsset {
  id: string;
  /** first slot the car is plugged in, and the slot it leaves at (exclusive) */
  fromSlot: number;
  departureSlot: number;
  /** energy into the battery needed by departure, kWh */
  needKwh: number;
  minCurrentA: number;
  maxCurrentA: number;
  phases: 1 | 3;
  voltage: number;
  /** charger efficiency, 0..1 */
  efficiency: number;
  /** an override: charge at full power from now until the need is met */
  chargeNow?: boolean;
}

export interface HotWaterAsset {
  id: string;
  /** heat capacity, kWh/K (litres × 4.186 / 3600) */
  capacityKwhPerK: number;
  tempC: number;
  minC: number;
  maxC: number;
  heaterKw: number;
  /** heat per kWh of electricity (1 for a resistive element, a COP for a heat-pump boiler) */
  efficiency: number;
  /** standing loss, kW/K above ambient */
  lossKwPerK: number;
  ambientC: number;
  /** expected hot-water draw per slot, kWh of heat */
  drawKwh: number[];
  /** the element is on or off (no modulation) */
  onOff: boolean;
}

export interface ZoneAsset {
  id: string;
  name: string;
  mode: 'heat' | 'cool';
  /** 1R1C: resistance to outside (K/kW) and heat capacity (kWh/K) */
  rKPerKw: number;
  cKwhPerK: number;
  tempC: number;
  /** heat pump electrical power limit, kW */
  maxKw: number;
  /** COP (heating) or EER (cooling) at 7 °C outdoor and its change per K of outdoor temperature */
  copAt7: number;
  copSlopePerK: number;
  /** comfort band per slot */
  lowC: number[];
  highC: number[];
  /** internal gains (people, sun, appliances), kW of heat per slot; default none */
  gainsKw?: number[];
}

export interface ApplianceAsset {
  id: string;
  name: string;
  powerKw: number;
  durationSlots: number;
  /** may start at `earliestSlot` or later, and must end by `latestEndSlot` (exclusive) */
  earliestSlot: number;
  latestEndSlot: number;
}

/** COP against outdoor temperature, kept to what heat pumps physically reach */
export function copAt(zone: Pick<ZoneAsset, 'copAt7' | 'copSlopePerK'>, outdoorC: number): number {
  return Math.min(8, Math.max(1, zone.copAt7 + zone.copSlopePerK * (outdoorC - 7)));
}

export function slotHours(p: Pick<PlanProblem, 'slotMs'>): number {
  return p.slotMs / 3_600_000;
}

/** EV charger power at a current, kW */
export function evPowerKw(ev: Pick<EvAsset, 'phases' | 'voltage'>, amps: number): number {
  return (amps * ev.voltage * ev.phases) / 1000;
}
