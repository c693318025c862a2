import type { HistoryPoint } from '../../../shared/api/methods.ts';

export type { HistoryPoint };

/** Stored resolutions; the API's 'auto' is resolved to one of these before any read. */
export type Resolution = 'raw' | 'minute' | 'hour' | 'day';
export type RollupResolution = Exclude<Resolution, 'raw'>;

export interface RetentionPolicy {
  rawDays: number;
  minuteDays: number;
  hourDays: number;
  /** null = forever */
  dayDays: number | null;
}

export interface SeriesOptions {
  /** cumulative energy counter: rollups carry deltas, resets handled */
  counter?: boolean;
}

export interface HistoryQuery {
  entityId: string;
  from: number;
  to: number;
  resolution?: Resolution | 'auto';
  maxPoints?: number;
}

export interface HistoryResult {
  resolution: Resolution;
  points: HistoryPoint[];
}

/** Energy consumed per bucket of a counter series (resets already folded in). */
export interface ConsumptionPoint {
  ts: number;
  delta: number;
}

export interface MaintenanceResult {
  deletedRaw: number;
  deletedMinute: number;
  deletedHour: number;
  deletedDay: number;
}

export interface TimeSeriesStats {
  buffered: number;
  /** the most samples held while the database refuses writes; beyond it the oldest are dropped */
  maxBuffered: number;
  written: number;
  /** invalid samples refused at append (bad id, time or value) */
  rejected: number;
  /** valid samples lost because the database refused writes for too long */
  dropped: number;
  /** why the last flush failed, while it keeps failing; null once a flush succeeds */
  writeError: string | null;
  lastFlushMs: number;
  batches: number;
}

export interface TimeSeriesStore {
  /** Buffered; never throws on bad input: invalid samples are counted as rejected and dropped. */
  append(entityId: string, ts: number, value: number): void;
  /** Commits what is buffered now. */
  flush(): void;
  /** Persisted; applies to samples flushed from now on. */
  configure(entityId: string, opts: SeriesOptions & { retention?: Partial<RetentionPolicy> }): void;
  query(q: HistoryQuery): HistoryResult;
  /** Per-bucket consumption of a counter series; empty for a series that is not a counter. */
  consumption(q: {
    entityId: string;
    from: number;
    to: number;
    resolution: RollupResolution;
  }): ConsumptionPoint[];
  runMaintenance(now?: number): MaintenanceResult;
  stats(): TimeSeriesStats;
  /** Flushes, stops timers, closes the connection. */
  close(): void;
}

export interface Logger {
  warn(o: object, m?: string): void;
}

export interface TimeSeriesStoreOptions {
  file: string;
  /** default 250 */
  flushIntervalMs?: number;
  /** buffered samples that force a flush; default 10_000 */
  maxBatch?: number;
  defaultRetention?: RetentionPolicy;
  now?: () => number;
  log?: Logger;
}
