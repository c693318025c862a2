/**
 * Metering: the entry points the energy module and the API use.
 *
 * - Which entities meter energy or power: `classifyEnergyEntity` (shared/energy/metering.ts).
 * - Counter repair with its audit log: `new MeterRepairStore(dbFile)`, then per meter
 *   `store.ingest(entityId, { maxPowerW, counter, unit }, readings)` as readings arrive (state
 *   persists between batches and restarts); `store.corrections(query)` / `store.correctionsCsv(query)`
 *   for the auditor. `CounterRepair` is the same logic without storage.
 * - Energy per interval: `intervalEnergy(repairedReadings, from, to, stepMs)` from a counter,
 *   `energyFromPower(samples, from, to, stepMs)` where only a power entity exists.
 * - The tree (schema, import/export in shared/energy/metering.ts): `computeTree(tree, entity -> kWh)`
 *   for a period, or `computeTree(tree, entity -> W, { quantity: 'power' })` for the live balance.
 */
export {
  CounterRepair,
  initialRepairState,
  type CounterConfig,
  type RawReading,
  type RepairedReading,
  type RepairState,
} from './repair.ts';
export { MeterRepairStore, type CorrectionQuery, type IngestOutcome } from './repair-store.ts';
export { intervalEnergy, energyFromPower, type MeterInterval } from './intervals.ts';
export {
  computeTree,
  type NodeEnergy,
  type SiteBalance,
  type TreeEnergy,
  type TreeOptions,
  type RemainderFlag,
} from './tree.ts';
export { openEnergyDb, migrateStore } from './energy-db.ts';
