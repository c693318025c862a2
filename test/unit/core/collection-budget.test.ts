import { describe, expect, it } from 'vitest';
import { COLLECTION_SCHEMAS } from '../../../main/core/storage/collections.ts';

describe('RxDB collection budget', () => {
  it('stays within the free tier: at most 13 open collections per process', () => {
    // The 14th collection waits ~1.8 s and the 15th throws COL23 (reference/rxdb-research.md, part 5).
    expect(Object.keys(COLLECTION_SCHEMAS).length).toBeLessThanOrEqual(13);
  });
});
