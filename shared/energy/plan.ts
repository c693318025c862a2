/**
 * The energy plan as the core hands it to clients: per slot what every flexible asset does and
 * why, and the plan's expected cost, peak and comfort beside the baseline (the same horizon run
 * on schedules and thermostats only). Power kW, energy kWh, °C, money in the tariff's currency.
 */
export type ReasonCode =
  | 'price'
  | 'pv_surplus'
  | 'comfort_bound'
  | 'peak_limit'
  | 'import_cap'
  | 'departure_deadline'
  | 'override'
  | 'safe_schedule';

export interface SlotReason {
  /** asset id ('site' for the grid connection) */
  asset: string;
  because: ReasonCode;
  /** in words a building manager reads */
  text: string;
}

export interface PlanSlotView {
  start: number;
  importPrice: number;
  exportPrice: number;
  pvKw: number;
  baseKw: number;
  importKw: number;
  exportKw: number;
  curtailKw: number;
  /** what one more kWh would cost in this slot (the balance row's dual); null in a fallback */
  valuePerKwh: number | null;
  battery: { chargeKw: number; dischargeKw: number; socKwh: number } | null;
  evKw: number | null;
  hotWater: { kw: number; tempC: number } | null;
  zones: { id: string; kw: number; tempC: number; lowC: number; highC: number }[];
  appliances: { id: string; kw: number }[];
  reasons: SlotReason[];
}

export interface PlanSummary {
  /** energy bought - sold + demand charge increase + battery wear */
  cost: number;
  energyCost: number;
  demandCost: number;
  wearCost: number;
  peakKw: number;
  importKwh: number;
  exportKwh: number;
  /** degree-hours outside the comfort bands, all zones */
  comfortKh: number;
  /** kWh imported above demand-response caps */
  capExcessKwh: number;
}

export interface PlanView {
  createdAt: number;
  start: number;
  slotMs: number;
  /** 'fallback': the safe schedules run because the plan was infeasible or not solved in time */
  status: 'optimal' | 'fallback';
  fallbackReason: string | null;
  solveMs: number;
  summary: PlanSummary;
  baseline: PlanSummary;
  /** baseline cost - plan cost */
  saving: number;
  slots: PlanSlotView[];
}
