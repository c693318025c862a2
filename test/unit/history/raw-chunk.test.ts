import { describe, expect, it } from 'vitest';
import { decodeChunk, encodeChunk } from '../../../main/core/history/raw-chunk.ts';

describe('raw chunk encoding', () => {
  it('round-trips timestamps and values exactly, from an unaligned view too', () => {
    const ts = [1_767_225_600_000, 1_767_225_600_001, 4_102_444_800_000];
    const values = [0.1, -1e300, 5e-324];
    const blob = encodeChunk(ts, values);
    expect(blob.byteLength).toBe(48);
    const shifted = new Uint8Array(blob.byteLength + 3);
    shifted.set(blob, 3);
    const decoded = decodeChunk(shifted.subarray(3));
    expect([...decoded.ts]).toEqual(ts);
    expect([...decoded.values]).toEqual(values);
  });

  it('refuses a blob that is not whole samples', () => {
    expect(() => decodeChunk(new Uint8Array(17))).toThrow(/not whole samples/);
  });
});
