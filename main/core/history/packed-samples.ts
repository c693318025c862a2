import { BitReader, BitWriter } from './bit-stream.ts';

/**
 * The packed raw-sample format: one series' samples of one closed hour, compressed the way
 * Facebook's Gorilla does it (Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series
 * Database", VLDB 2015, section 4.1), as InfluxDB's TSM and TimescaleDB's compression also do:
 *
 * - timestamps as delta-of-delta: a sensor reporting every 60 s costs one bit per sample;
 * - values either as integer deltas after a decimal scale (most building telemetry is a number
 *   with one or two decimals: 21.5 °C, 230.1 V, 1532 W; its deltas are small integers), or, when no
 *   scale reproduces every value exactly, as Gorilla's XOR against the previous double.
 *
 * Decoding gives back exactly the doubles that were stored (checked with Object.is at encode
 * time). Layout: byte 0 version (1), byte 1 value mode (0 decimal, 1 XOR), byte 2 decimals,
 * bytes 3-6 sample count (uint32 BE), then the bit stream.
 */
const VERSION = 1;
const HEADER = 7;
const MODE_DECIMAL = 0;
const MODE_XOR = 1;
const MAX_DECIMALS = 6;
/** integers beyond this are not exact after scaling */
const MAX_SCALED = 2 ** 52;

/** buckets of (prefix bits, payload bits) for a zigzagged integer, the last one catches all */
const TS_BUCKETS = [7, 12, 20, 53] as const;
const DELTA_BUCKETS = [4, 8, 16, 53] as const;

function zigzag(n: number): number {
  return n >= 0 ? 2 * n : -2 * n - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** '0' for zero, else '1'*k + '0' (k < buckets) + payload, as Gorilla's control bits */
function writeInt(w: BitWriter, n: number, buckets: readonly number[]): void {
  if (n === 0) return w.write(0, 1);
  const z = zigzag(n);
  for (let k = 0; k < buckets.length; k++) {
    const bits = buckets[k]!;
    const last = k === buckets.length - 1;
    if (last || z < 2 ** bits) {
      // k+1 ones, then a terminating zero unless this is the last bucket
      w.write(last ? (1 << (k + 1)) - 1 : ((1 << (k + 1)) - 1) << 1, last ? k + 1 : k + 2);
      return w.writeWide(z, bits);
    }
  }
}

function readInt(r: BitReader, buckets: readonly number[]): number {
  if (r.bit() === 0) return 0;
  let k = 0;
  while (k < buckets.length - 1 && r.bit() === 1) k++;
  return unzigzag(r.readWide(buckets[k]!));
}

/** the smallest number of decimals that reproduces every value exactly, or null */
function decimalsFor(values: Float64Array): number | null {
  search: for (let d = 0; d <= MAX_DECIMALS; d++) {
    const scale = 10 ** d;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const scaled = Math.round(v * scale);
      if (Math.abs(scaled) >= MAX_SCALED || !Object.is(scaled / scale, v) || Object.is(v, -0))
        continue search;
    }
    return d;
  }
  return null;
}

const view = new DataView(new ArrayBuffer(8));
function halves(v: number): [number, number] {
  view.setFloat64(0, v);
  return [view.getUint32(0), view.getUint32(4)];
}
function fromHalves(hi: number, lo: number): number {
  view.setUint32(0, hi);
  view.setUint32(4, lo);
  return view.getFloat64(0);
}

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}
function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}
function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

/** bits [trail, trail + len) of the 64-bit (hi, lo), written most significant first */
function writeWindow(w: BitWriter, hi: number, lo: number, trail: number, len: number): void {
  let sHi: number;
  let sLo: number;
  if (trail >= 32) {
    sHi = 0;
    sLo = hi >>> (trail - 32);
  } else if (trail === 0) {
    sHi = hi;
    sLo = lo;
  } else {
    sHi = hi >>> trail;
    sLo = ((lo >>> trail) | (hi << (32 - trail))) >>> 0;
  }
  if (len > 32) {
    w.write(sHi, len - 32);
    w.write(sLo, 32);
  } else w.write(sLo, len);
}

function readWindow(r: BitReader, trail: number, len: number): [number, number] {
  let sHi = 0;
  let sLo: number;
  if (len > 32) {
    sHi = r.read(len - 32);
    sLo = r.read(32);
  } else sLo = r.read(len);
  if (trail === 0) return [sHi >>> 0, sLo >>> 0];
  if (trail >= 32) return [(sLo << (trail - 32)) >>> 0, 0];
  return [((sHi << trail) | (sLo >>> (32 - trail))) >>> 0, (sLo << trail) >>> 0];
}

/**
 * Packs sorted samples; null when they cannot be packed exactly (a timestamp that is not a whole
 * millisecond), in which case the caller keeps them unpacked.
 */
export function packSamples(ts: Float64Array, values: Float64Array): Uint8Array | null {
  const n = ts.length;
  if (n === 0 || n !== values.length || n > 0xffffffff) return null;
  for (let i = 0; i < n; i++) if (!Number.isSafeInteger(ts[i]!) || ts[i]! < 0) return null;
  const decimals = decimalsFor(values);
  const w = new BitWriter();
  w.writeWide(ts[0]!, 53);
  let prevDelta = 0;
  for (let i = 1; i < n; i++) {
    const delta = ts[i]! - ts[i - 1]!;
    writeInt(w, delta - prevDelta, TS_BUCKETS);
    prevDelta = delta;
  }
  if (decimals !== null) {
    const scale = 10 ** decimals;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const iv = Math.round(values[i]! * scale);
      writeInt(w, iv - prev, DELTA_BUCKETS);
      prev = iv;
    }
  } else {
    let [pHi, pLo] = halves(values[0]!);
    w.write(pHi, 32);
    w.write(pLo, 32);
    let lead = -1;
    let trail = 0;
    for (let i = 1; i < n; i++) {
      const [hi, lo] = halves(values[i]!);
      const xHi = (hi ^ pHi) >>> 0;
      const xLo = (lo ^ pLo) >>> 0;
      pHi = hi;
      pLo = lo;
      if (xHi === 0 && xLo === 0) {
        w.write(0, 1);
        continue;
      }
      const l = Math.min(clz64(xHi, xLo), 63);
      const t = ctz64(xHi, xLo);
      if (lead >= 0 && l >= lead && t >= trail) {
        // fits the previous window: '10' + the window's bits
        w.write(0b10, 2);
        writeWindow(w, xHi, xLo, trail, 64 - lead - trail);
      } else {
        lead = l;
        trail = t;
        w.write(0b11, 2);
        w.write(lead, 6);
        w.write(64 - lead - trail - 1, 6);
        writeWindow(w, xHi, xLo, trail, 64 - lead - trail);
      }
    }
  }
  const body = w.finish();
  const out = new Uint8Array(HEADER + body.length);
  out[0] = VERSION;
  out[1] = decimals === null ? MODE_XOR : MODE_DECIMAL;
  out[2] = decimals ?? 0;
  new DataView(out.buffer).setUint32(3, n);
  out.set(body, HEADER);
  return out;
}

export function unpackSamples(blob: Uint8Array): { ts: Float64Array; values: Float64Array } {
  if (blob.length < HEADER || blob[0] !== VERSION) {
    throw new Error(`packed samples of an unknown version (${blob[0] ?? 'empty'})`);
  }
  const mode = blob[1]!;
  const decimals = blob[2]!;
  const n = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(3);
  if (mode > MODE_XOR || decimals > MAX_DECIMALS || n === 0) throw new Error('packed samples: bad header');
  const r = new BitReader(blob, HEADER);
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  ts[0] = r.readWide(53);
  let delta = 0;
  for (let i = 1; i < n; i++) {
    delta += readInt(r, TS_BUCKETS);
    ts[i] = ts[i - 1]! + delta;
  }
  if (mode === MODE_DECIMAL) {
    const scale = 10 ** decimals;
    let iv = 0;
    for (let i = 0; i < n; i++) {
      iv += readInt(r, DELTA_BUCKETS);
      values[i] = iv / scale;
    }
  } else {
    let pHi = r.read(32);
    let pLo = r.read(32);
    values[0] = fromHalves(pHi, pLo);
    let lead = 0;
    let trail = 0;
    for (let i = 1; i < n; i++) {
      if (r.bit() === 1) {
        if (r.bit() === 1) {
          lead = r.read(6);
          trail = 64 - lead - (r.read(6) + 1);
        }
        const [xHi, xLo] = readWindow(r, trail, 64 - lead - trail);
        pHi = (pHi ^ xHi) >>> 0;
        pLo = (pLo ^ xLo) >>> 0;
      }
      values[i] = fromHalves(pHi, pLo);
    }
  }
  return { ts, values };
}
