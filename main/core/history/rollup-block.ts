import { packSamples, unpackSamples } from './packed-samples.ts';

/** One stored rollup bucket, as a ts_rollup row holds it. */
export interface StoredBucket {
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastTs: number;
  delta: number | null;
}

/**
 * A series' minute or hour buckets of one closed UTC day, packed column by column with the
 * sample codec (packed-samples.ts). A row per minute bucket costs more than the sample it
 * summarises; packed, a bucket of a sensor reporting once a minute costs about two bytes. Most such
 * buckets hold one sample, where min = max = sum = last: those are flagged and stored once.
 *
 * Layout: version (1), flags (bit 0: deltas present), uint32 bucket count, then sections, each a
 * uint32 byte length and a packed array whose timestamps are the bucket starts:
 * count, last, lastTs - bucket, simple (1/0), then min, max, sum of the other buckets, then (with
 * deltas) delta and has-delta.
 */
const VERSION = 1;

function pack(ts: Float64Array, values: Float64Array): Uint8Array {
  if (ts.length === 0) return new Uint8Array(0);
  const packed = packSamples(ts, values);
  if (!packed) throw new Error('rollup block: bucket starts must be whole milliseconds');
  return packed;
}

function unpack(blob: Uint8Array): Float64Array {
  return blob.length === 0 ? new Float64Array(0) : unpackSamples(blob).values;
}

const isSimple = (b: StoredBucket) =>
  Object.is(b.min, b.last) && Object.is(b.max, b.last) && Object.is(b.sum, b.last);

export function encodeRollupBlock(buckets: readonly StoredBucket[]): Uint8Array {
  const n = buckets.length;
  const starts = Float64Array.from(buckets, (b) => b.bucket);
  const simple = buckets.map(isSimple);
  const complex = buckets.filter((_, i) => !simple[i]);
  const cStarts = Float64Array.from(complex, (b) => b.bucket);
  const hasDelta = buckets.some((b) => b.delta !== null);
  const sections = [
    pack(
      starts,
      Float64Array.from(buckets, (b) => b.count),
    ),
    pack(
      starts,
      Float64Array.from(buckets, (b) => b.last),
    ),
    pack(
      starts,
      Float64Array.from(buckets, (b) => b.lastTs - b.bucket),
    ),
    pack(
      starts,
      Float64Array.from(simple, (s) => (s ? 1 : 0)),
    ),
    pack(
      cStarts,
      Float64Array.from(complex, (b) => b.min),
    ),
    pack(
      cStarts,
      Float64Array.from(complex, (b) => b.max),
    ),
    pack(
      cStarts,
      Float64Array.from(complex, (b) => b.sum),
    ),
    ...(hasDelta
      ? [
          pack(
            starts,
            Float64Array.from(buckets, (b) => b.delta ?? 0),
          ),
          pack(
            starts,
            Float64Array.from(buckets, (b) => (b.delta === null ? 0 : 1)),
          ),
        ]
      : []),
  ];
  const out = new Uint8Array(6 + sections.reduce((s, x) => s + 4 + x.length, 0));
  const view = new DataView(out.buffer);
  out[0] = VERSION;
  out[1] = hasDelta ? 1 : 0;
  view.setUint32(2, n);
  let at = 6;
  for (const s of sections) {
    view.setUint32(at, s.length);
    out.set(s, at + 4);
    at += 4 + s.length;
  }
  return out;
}

export function decodeRollupBlock(blob: Uint8Array): StoredBucket[] {
  if (blob.length < 6 || blob[0] !== VERSION)
    throw new Error(`rollup block of an unknown version (${blob[0] ?? 'empty'})`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const hasDelta = (blob[1]! & 1) === 1;
  const n = view.getUint32(2);
  const sections: Uint8Array[] = [];
  let at = 6;
  while (at < blob.length) {
    if (at + 4 > blob.length) throw new Error('rollup block ends early');
    const len = view.getUint32(at);
    if (at + 4 + len > blob.length) throw new Error('rollup block ends early');
    sections.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (sections.length !== (hasDelta ? 9 : 7)) throw new Error('rollup block: wrong number of sections');
  const first = sections[0]!.length === 0 ? null : unpackSamples(sections[0]!);
  const starts = first?.ts ?? new Float64Array(0);
  const counts = first?.values ?? new Float64Array(0);
  const [last, lastOffset, simple, min, max, sum] = sections.slice(1, 7).map(unpack) as Float64Array[];
  const delta = hasDelta ? unpack(sections[7]!) : null;
  const present = hasDelta ? unpack(sections[8]!) : null;
  if (starts.length !== n || last!.length !== n || simple!.length !== n)
    throw new Error('rollup block: counts disagree');
  const out: StoredBucket[] = [];
  let c = 0;
  for (let i = 0; i < n; i++) {
    const l = last![i]!;
    const isSimpleBucket = simple![i] === 1;
    const bucket: StoredBucket = {
      bucket: starts[i]!,
      count: counts[i]!,
      last: l,
      lastTs: starts[i]! + lastOffset![i]!,
      min: isSimpleBucket ? l : min![c]!,
      max: isSimpleBucket ? l : max![c]!,
      sum: isSimpleBucket ? l : sum![c]!,
      delta: delta && present![i] === 1 ? delta[i]! : null,
    };
    if (!isSimpleBucket) c++;
    out.push(bucket);
  }
  if (c !== min!.length) throw new Error('rollup block: counts disagree');
  return out;
}

/** The same bucket from two places (a block and a late row): merged as the writer's upsert does. */
export function mergeBuckets(a: StoredBucket, b: StoredBucket): StoredBucket {
  const newer = b.lastTs >= a.lastTs ? b : a;
  return {
    bucket: a.bucket,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: a.sum + b.sum,
    count: a.count + b.count,
    last: newer.last,
    lastTs: Math.max(a.lastTs, b.lastTs),
    delta: a.delta === null && b.delta === null ? null : (a.delta ?? 0) + (b.delta ?? 0),
  };
}

/** Buckets from blocks and rows, sorted, with duplicates merged. */
export function mergeBucketLists(lists: readonly StoredBucket[][]): StoredBucket[] {
  const byBucket = new Map<number, StoredBucket>();
  for (const list of lists) {
    for (const b of list) {
      const seen = byBucket.get(b.bucket);
      byBucket.set(b.bucket, seen ? mergeBuckets(seen, b) : b);
    }
  }
  return [...byBucket.values()].sort((x, y) => x.bucket - y.bucket);
}
