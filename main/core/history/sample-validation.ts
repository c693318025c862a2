/** Ids beyond this are refused: the API caps entity ids at 200 characters too. */
export const MAX_ENTITY_ID_LENGTH = 200;

/** Nothing a building controller records predates this (2000-01-01T00:00:00Z). */
export const MIN_TS = 946_684_800_000;

/** Clocks drift; a sample a little ahead of ours is real, one a day ahead is a bug upstream. */
export const MAX_FUTURE_SKEW_MS = 86_400_000;

export type SampleRejection = 'entity-id' | 'timestamp' | 'value';

/** Returns why a sample is unusable, or null when it may be stored. */
export function checkSample(
  entityId: unknown,
  ts: unknown,
  value: unknown,
  now: number,
): SampleRejection | null {
  if (typeof entityId !== 'string' || entityId.length === 0 || entityId.length > MAX_ENTITY_ID_LENGTH) {
    return 'entity-id';
  }
  if (typeof ts !== 'number' || !Number.isFinite(ts) || ts < MIN_TS || ts > now + MAX_FUTURE_SKEW_MS) {
    return 'timestamp';
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'value';
  return null;
}
