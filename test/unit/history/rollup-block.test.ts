import { describe, expect, it } from 'vitest';
import {
  decodeRollupBlock,
  encodeRollupBlock,
  mergeBucketLists,
  type StoredBucket,
} from '../../../main/core/history/rollup-block.ts';
import { mulberry32 } from '../../bench/bench-kit.ts';

const D = Date.UTC(2026, 10, 22);
const one = (bucket: number, v: number, delta: number | null = null): StoredBucket => ({
  bucket,
  min: v,
  max: v,
  sum: v,
  count: 1,
  last: v,
  lastTs: bucket + 12_000,
  delta,
});

describe('packed rollup blocks', () => {
  it('gives back every bucket exactly, single-sample and aggregated, with and without deltas', () => {
    const rnd = mulberry32(3);
    const buckets: StoredBucket[] = [];
    for (let i = 0; i < 1440; i++) {
      const v = Math.round((20 + rnd() * 3) * 10) / 10;
      buckets.push(
        i % 5 === 0
          ? {
              bucket: D + i * 60_000,
              min: v - 0.3,
              max: v + 0.2,
              sum: 3 * v - 0.1,
              count: 3,
              last: v,
              lastTs: D + i * 60_000 + 59_999.5,
              delta: i % 2 ? 0.25 : null,
            }
          : one(D + i * 60_000, v, i % 7 === 0 ? null : 0.1),
      );
    }
    const blob = encodeRollupBlock(buckets);
    expect(decodeRollupBlock(blob)).toEqual(buckets);
    const plain = buckets.map((b) => ({ ...b, delta: null }));
    expect(decodeRollupBlock(encodeRollupBlock(plain))).toEqual(plain);
    expect(decodeRollupBlock(encodeRollupBlock([]))).toEqual([]);
  });

  it('costs about two bytes a bucket for a sensor reporting once a minute', () => {
    const buckets = Array.from({ length: 1440 }, (_, i) =>
      one(D + i * 60_000, Math.round((21 + Math.sin(i / 60)) * 10) / 10),
    );
    expect(encodeRollupBlock(buckets).length / 1440).toBeLessThan(2.5);
  });

  it('refuses a damaged block with a reason instead of wrong numbers', () => {
    const blob = encodeRollupBlock([one(D, 1), one(D + 60_000, 2)]);
    expect(() => decodeRollupBlock(blob.slice(0, blob.length - 3))).toThrow(/ends early/);
    const other = blob.slice();
    other[0] = 7;
    expect(() => decodeRollupBlock(other)).toThrow(/unknown version/);
    const lying = blob.slice();
    new DataView(lying.buffer).setUint32(2, 3); // claims three buckets
    expect(() => decodeRollupBlock(lying)).toThrow(/disagree/);
  });

  it('merges a late row into its packed bucket as the writer upsert would', () => {
    const packed = [one(D, 5), one(D + 60_000, 6, 1)];
    const late: StoredBucket = { ...one(D + 60_000, 2, 0.5), lastTs: D + 60_000 + 1 };
    expect(mergeBucketLists([packed, [late]])).toEqual([
      one(D, 5),
      {
        bucket: D + 60_000,
        min: 2,
        max: 6,
        sum: 8,
        count: 2,
        last: 6,
        lastTs: D + 60_000 + 12_000,
        delta: 1.5,
      },
    ]);
  });
});
