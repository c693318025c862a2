import { describe, expect, it } from 'vitest';
import { packSamples, unpackSamples } from '../../../main/core/history/packed-samples.ts';
import { mulberry32 } from '../../bench/bench-kit.ts';

const T0 = Date.UTC(2026, 11, 1);

function roundTrip(ts: number[], values: number[]) {
  const packed = packSamples(Float64Array.from(ts), Float64Array.from(values));
  expect(packed).not.toBeNull();
  const out = unpackSamples(packed!);
  expect(Array.from(out.ts)).toEqual(ts);
  // exactly the same doubles, -0 and subnormals included
  values.forEach((v, i) =>
    expect(Object.is(out.values[i], v), `value ${i}: ${v} vs ${out.values[i]}`).toBe(true),
  );
  return packed!;
}

describe('packed samples (Gorilla: delta-of-delta timestamps, decimal or XOR values)', () => {
  it('costs about one bit per timestamp for a regular reporter and little for one-decimal values', () => {
    // The Gorilla paper's case (VLDB 2015, 4.1.1): most timestamps arrive at a fixed interval.
    const ts = Array.from({ length: 60 }, (_, i) => T0 + i * 60_000);
    const values = ts.map((_, i) => Math.round((21 + Math.sin(i / 9)) * 10) / 10);
    const packed = roundTrip(ts, values);
    expect(packed[1]).toBe(0); // decimal mode
    expect(packed[2]).toBe(1); // one decimal
    expect(packed.length / 60).toBeLessThan(2);
  });

  it('packs full-precision doubles with XOR and gives back every bit', () => {
    const rnd = mulberry32(7);
    const ts = Array.from({ length: 500 }, (_, i) => T0 + i * 1000 + Math.floor(rnd() * 40));
    const values = ts.map(() => 20 + rnd() * 5);
    const packed = roundTrip(ts, values);
    expect(packed[1]).toBe(1); // XOR mode
    expect(packed.length / 500).toBeLessThan(16); // below the plain float64 pair it replaces
  });

  it('keeps hostile values exact: -0, subnormals, extremes, huge integers, alternating signs', () => {
    const ts = Array.from({ length: 8 }, (_, i) => T0 + i);
    roundTrip(ts, [-0, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53, -(2 ** 53), 1e-300, 0]);
    roundTrip(ts, [1, -1, 1, -1, 1e15, -1e15, 0.1, -0.1]);
    roundTrip([T0], [42]);
  });

  it('handles any timestamp spacing: repeats, long gaps, irregular jitter', () => {
    const ts = [T0, T0, T0 + 1, T0 + 86_400_000 * 30, T0 + 86_400_000 * 30 + 7, T0 + 86_400_000 * 400];
    roundTrip(ts, [1, 2, 3, 4, 5, 6]);
  });

  it('refuses what it cannot hold exactly, so the caller keeps it unpacked', () => {
    expect(packSamples(Float64Array.from([T0 + 0.5]), Float64Array.from([1]))).toBeNull();
    expect(packSamples(new Float64Array(0), new Float64Array(0))).toBeNull();
    expect(packSamples(Float64Array.from([T0, T0 + 1]), Float64Array.from([1]))).toBeNull();
  });

  it('names a damaged or foreign blob instead of returning wrong numbers', () => {
    const packed = packSamples(
      Float64Array.from([T0, T0 + 60_000, T0 + 120_000]),
      Float64Array.from([1.5, 1.6, 1.7]),
    )!;
    expect(() => unpackSamples(packed.slice(0, packed.length - 1))).toThrow(/end early/);
    const foreign = packed.slice();
    foreign[0] = 9;
    expect(() => unpackSamples(foreign)).toThrow(/unknown version/);
    expect(() => unpackSamples(new Uint8Array(0))).toThrow(/unknown version/);
  });

  it('round-trips random series of every shape (seeded)', () => {
    const rnd = mulberry32(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 300);
      const decimals = Math.floor(rnd() * 4);
      let t = T0 + Math.floor(rnd() * 1e9);
      const ts: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < n; i++) {
        t += Math.floor(rnd() * (rnd() < 0.1 ? 1e7 : 2000));
        ts.push(t);
        const raw = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 8);
        values.push(trial % 3 === 0 ? raw : Math.round(raw * 10 ** decimals) / 10 ** decimals);
      }
      roundTrip(ts, values);
    }
  });
});
