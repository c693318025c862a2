import { describe, expect, it } from 'vitest';
import { aggregateSorted, counterIncrement } from '../../../main/core/history/rollup.ts';

const T0 = Date.UTC(2026, 2, 1); // midnight: minute, hour and day buckets all start here

describe('aggregateSorted', () => {
  it('aggregates a batch into minute, hour and day buckets with min, max, sum, count and last', () => {
    const ts = [T0, T0 + 10_000, T0 + 59_999, T0 + 60_000, T0 + 3_600_000];
    const values = [5, -2, 7, 1, 3];
    const { buckets } = aggregateSorted(ts, values, undefined);
    const minute = buckets.filter((b) => b.res === 0);
    expect(minute.map((b) => b.bucket)).toEqual([T0, T0 + 60_000, T0 + 3_600_000]);
    expect(minute[0]).toMatchObject({
      min: -2,
      max: 7,
      sum: 10,
      count: 3,
      last: 7,
      lastTs: T0 + 59_999,
      delta: null,
    });
    const hour = buckets.filter((b) => b.res === 1);
    expect(hour).toHaveLength(2);
    expect(hour[0]).toMatchObject({ bucket: T0, min: -2, max: 7, sum: 11, count: 4, last: 1 });
    const day = buckets.filter((b) => b.res === 2);
    expect(day).toEqual([
      {
        res: 2,
        bucket: T0,
        min: -2,
        max: 7,
        sum: 14,
        count: 5,
        last: 3,
        lastTs: T0 + 3_600_000,
        delta: null,
      },
    ]);
  });

  it('of two samples with the same timestamp, the later appended is last', () => {
    const { buckets } = aggregateSorted([T0, T0], [1, 2], undefined);
    expect(buckets[0]).toMatchObject({ last: 2, count: 2, sum: 3 });
  });

  it('returns no buckets for an empty batch', () => {
    expect(aggregateSorted([], [], undefined).buckets).toEqual([]);
  });
});

describe('counter deltas', () => {
  it('treats a decrease as a meter reset, never as negative energy', () => {
    expect(counterIncrement(100, 130)).toBe(30);
    expect(counterIncrement(100, 4)).toBe(4);
    expect(counterIncrement(5, 5)).toBe(0);
  });

  it('attributes each increment to the bucket of the later reading, across a reset', () => {
    const ts = [T0, T0 + 30_000, T0 + 60_000, T0 + 90_000, T0 + 120_000];
    const values = [10, 12, 15, 2, 5];
    const { buckets, counter } = aggregateSorted(ts, values, null);
    expect(buckets.filter((b) => b.res === 0).map((b) => b.delta)).toEqual([2, 5, 3]);
    expect(buckets.find((b) => b.res === 2)!.delta).toBe(10);
    expect(counter).toEqual({ ts: T0 + 120_000, value: 5 });
  });

  it('continues from the last committed reading of a previous batch', () => {
    const { buckets } = aggregateSorted([T0 + 60_000], [110], { ts: T0, value: 100 });
    expect(buckets.find((b) => b.res === 0)).toMatchObject({ bucket: T0 + 60_000, delta: 10 });
  });

  it('keeps a reading older than the committed one without inventing energy', () => {
    const previous = { ts: T0 + 120_000, value: 50 };
    const { buckets, counter } = aggregateSorted([T0], [10], previous);
    expect(buckets.find((b) => b.res === 0)).toMatchObject({ bucket: T0, delta: 0, count: 1 });
    expect(counter).toBe(previous);
  });
});
