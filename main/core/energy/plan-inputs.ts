/**
 * The seam between the energy module (metering, tariffs, prices, forecasts: `main/core/energy/`)
 * and the optimiser's planner. The energy module's api implements it; the planner only reads it,
 * so either can change its insides without the other. All series are per slot: slot i covers
 * [slotStarts[i], slotStarts[i] + slotMs).
 */
export interface PlanInputs {
  /** the site's IANA time zone (tariff bands, comfort schedules) */
  timezone(): string;
  /** all-in import and export price per kWh per slot (dynamic prices where known, else the tariff) */
  prices(slotStarts: readonly number[], slotMs: number): { importPerKwh: number[]; exportPerKwh: number[] };
  /**
   * The running billing period's demand charge, or null when the tariff has none: its price per kW,
   * the highest 15-min demand so far this period (kW) and when the period ends (ms).
   */
  demandCharge(now: number): { pricePerKw: number; peakSoFarKw: number; periodEnd: number } | null;
  /** expected PV production (W) per slot, summed over the site's arrays */
  pvForecastW(slotStarts: readonly number[], slotMs: number): number[];
  /** expected inflexible load (W) per slot: the site's load without the planned assets */
  baseLoadForecastW(slotStarts: readonly number[], slotMs: number): number[];
  /** expected outdoor temperature (°C) per slot */
  outdoorTempForecastC(slotStarts: readonly number[], slotMs: number): number[];
  /** site connection limits (W); null where none is configured */
  gridLimits(): { importW: number | null; exportW: number | null };
}
