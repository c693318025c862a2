import type { Resolution, RollupResolution } from './types.ts';

export const ROLLUP_RESOLUTIONS: readonly RollupResolution[] = ['minute', 'hour', 'day'];

/** Finest first: 'auto' walks this list and keeps the first that fits. */
export const RESOLUTIONS_FINEST_FIRST: readonly Resolution[] = ['raw', 'minute', 'hour', 'day'];

export const BUCKET_MS: Record<RollupResolution, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** Stored as a small integer so the rollup key stays compact. */
export const RESOLUTION_CODE: Record<RollupResolution, number> = { minute: 0, hour: 1, day: 2 };

/** Buckets are aligned on UTC (days too): a building's local day is a presentation concern. */
export function bucketStart(ts: number, res: RollupResolution): number {
  const size = BUCKET_MS[res];
  return Math.floor(ts / size) * size;
}
