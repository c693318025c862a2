/**
 * Tariffs and costs: the entry points the energy module, the optimiser and the API use.
 *
 * - `createTariffContext({ tariff, timezone, prices })` once per tariff (and again when it or the
 *   site's time zone changes); every function below takes the context.
 * - Optimiser: `pricesForSlots(ctx, slotStarts, slotMs)` (all-in import/export price per slot) and
 *   `demandForSlots(ctx, slotStarts, slotMs)` (demand-charge price per kW and billing period per slot),
 *   `demandChargeForPlan(ctx, gridIntervals, now, slotStarts, slotMs)` (the plan's `demandCharge`).
 * - Costs: `costByHour`, `costByDay`, `costForBillingPeriod(ctx, intervals, billingPeriodAt(ctx, ts))`,
 *   `billForecast(ctx, intervals, now)`.
 * - Day-ahead prices: `PriceStore` (SQLite, a `DynamicPriceSource`), `ingestPricePayload` for an MQTT
 *   topic, `ingestPriceFile` for an uploaded CSV/JSON file, `parsePriceFile`/`parsePricePayload` to
 *   check one without storing it.
 * - Schemas, import/export and revisions of tariffs are in shared/energy/tariff.ts.
 */
export { createTariffContext, type TariffContext, type TariffContextOptions } from './context.ts';
export {
  pricesForSlots,
  demandForSlots,
  demandChargeForPlan,
  type SlotPrices,
  type SlotDemand,
  type PlanDemandCharge,
} from './slots.ts';
export { priceSegments, allInImportPrice, allInExportPrice, type PriceSegment } from './segments.ts';
export { billingPeriodAt, billingPeriodsBetween, type BillingPeriod } from './billing.ts';
export {
  costByHour,
  costByDay,
  costForBillingPeriod,
  type CostLine,
  type PeriodCost,
  type DemandChargeLine,
} from './cost.ts';
export { billForecast, type BillForecast, type BillForecastOptions } from './bill-forecast.ts';
export { quarterHourDemand, type DemandInterval } from './demand.ts';
export { type EnergyInterval, checkIntervals, combineMeterIntervals } from './intervals.ts';
export { HolidayCalendar } from './holidays.ts';
export {
  type PricePoint,
  type DynamicPriceSource,
  PriceSeries,
  InMemoryPriceSource,
} from './dynamic/price-series.ts';
export { PriceStore, type SavedPrices } from './dynamic/price-store.ts';
export {
  parsePriceFile,
  parsePricePayload,
  type PriceFormat,
  type PriceParseOptions,
  type ParsedPrices,
} from './dynamic/formats.ts';
export { ingestPriceFile, ingestPricePayload, type IngestResult } from './dynamic/ingest.ts';
export { PriceDataError, validatePricePoints, parsePriceUnit } from './dynamic/validate.ts';
