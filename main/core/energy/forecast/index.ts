/**
 * Forecasts: the entry points the energy module and the optimiser use. All return mean values per
 * slot [slotStarts[i], slotStarts[i] + slotMs).
 *
 * - PV (W): `pvForecast(system, site, slotStarts, slotMs, { correction })`, with
 *   `learnPvCorrection(system, site, hourlyProduction, { now })` refreshed daily from the PV counter.
 * - Load per circuit/zone (W): `fitLoadModel(history, { timezone, isHoliday })` (daily), then
 *   `forecastLoad(model, slotStarts, slotMs, outdoorTempC)`.
 * - Outdoor temperature (°C): `forecastTemperature(history, slotStarts, slotMs, { timezone, now })`.
 * - Accuracy: `ForecastStore` (SQLite): `recordIssue` when a forecast is made, `recordActuals` as
 *   measurements arrive, `accuracy(kind, target, now)` for MAE and bias over 7 and 30 days.
 * - The clear-sky building blocks (solar.ts) are exported for tests and the UI's explanations.
 */
export {
  pvForecast,
  pvPowerW,
  pvMeanPowerW,
  learnPvCorrection,
  solarHour,
  type PvSite,
  type PvCorrection,
  type PvConditions,
  type PvForecastOptions,
  type EnergyPoint,
} from './pv.ts';
export { fitLoadModel, forecastLoad, type LoadModel, type LoadSample, type LoadFitOptions } from './load.ts';
export { forecastTemperature, type TemperatureForecastOptions } from './temperature.ts';
export { ForecastStore, type AccuracyOptions } from './accuracy-store.ts';
export {
  sunAngles,
  planeIrradiance,
  haurwitzGhi,
  erbs,
  hayDaviesSkyDiffuse,
  groundDiffuse,
  extraterrestrialIrradiance,
  cloudFactor,
} from './solar.ts';
