export type {
  ConsumptionPoint,
  HistoryPoint,
  HistoryQuery,
  HistoryResult,
  Logger,
  MaintenanceResult,
  Resolution,
  RetentionPolicy,
  RollupResolution,
  SeriesOptions,
  TimeSeriesStats,
  TimeSeriesStore,
  TimeSeriesStoreOptions,
} from './types.ts';
export { openTimeSeriesStore } from './store.ts';
export { DEFAULT_RETENTION } from './retention.ts';
