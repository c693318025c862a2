import { unpackSamples } from './packed-samples.ts';

/**
 * Raw samples of one series from one batch, packed as [ts..., value...] in float64
 * (ms timestamps are exact in a double). Native byte order: every platform we ship on is
 * little-endian.
 */
export function encodeChunk(ts: ArrayLike<number>, values: ArrayLike<number>): Uint8Array {
  const n = ts.length;
  const packed = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    packed[i] = ts[i]!;
    packed[n + i] = values[i]!;
  }
  return new Uint8Array(packed.buffer);
}

export interface DecodedChunk {
  ts: Float64Array;
  values: Float64Array;
}

/** `packed` (the row's column): 1 for the compressed format of closed hours (packed-samples.ts) */
export function decodeChunk(blob: Uint8Array, packed = 0): DecodedChunk {
  if (packed === 1) return unpackSamples(blob);
  if (blob.byteLength % 16 !== 0)
    throw new Error(`raw chunk of ${blob.byteLength} bytes is not whole samples`);
  // SQLite hands back a view at any offset; Float64Array needs 8-byte alignment, so copy.
  const aligned = new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
  const n = aligned.length / 2;
  return { ts: aligned.subarray(0, n), values: aligned.subarray(n) };
}
