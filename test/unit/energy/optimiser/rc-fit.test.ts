import { describe, expect, it } from 'vitest';
import { type RcSample, fitRc } from '../../../../main/core/energy/planning/rc-fit.ts';
import { mulberry32 } from '../../../bench/bench-kit.ts';

const STEP = 15 * 60_000;

/** a zone with R 8 K/kW, C 4 kWh/K and 0.3 kW of gains, heated 3 kW thermal on a thermostat */
function history(days: number, noiseK: number, seed = 1): RcSample[] {
  const rand = mulberry32(seed);
  const out: RcSample[] = [];
  let t = 19;
  let on = false;
  const dt = 0.25;
  for (let k = 0; k < days * 96; k++) {
    const ts = Date.UTC(2026, 10, 1) + k * STEP;
    const outdoor = 4 + 5 * Math.sin((k / 96) * 2 * Math.PI);
    const setpoint = k % 96 >= 28 && k % 96 < 76 ? 21 : 18;
    if (t < setpoint - 0.3) on = true;
    else if (t > setpoint + 0.3) on = false;
    const heat = on ? 3 : 0;
    out.push({ ts, indoorC: t + (rand() - 0.5) * 2 * noiseK, outdoorC: outdoor, heatKw: heat });
    t += (dt / 4) * ((outdoor - t) / 8 + heat + 0.3);
  }
  return out;
}

describe('1R1C identification from a zone’s history', () => {
  it('recovers R, C and the gains from clean data', () => {
    const fit = fitRc(history(7, 0), STEP);
    expect(fit.rKPerKw).toBeCloseTo(8, 3);
    expect(fit.cKwhPerK).toBeCloseTo(4, 3);
    expect(fit.gainsKw).toBeCloseTo(0.3, 3);
    expect(fit.rmseK).toBeLessThan(1e-6);
  });

  it('stays within 15 % with a sensor’s ±0.05 K noise over two weeks', () => {
    const fit = fitRc(history(14, 0.05), STEP);
    expect(fit.rKPerKw).toBeGreaterThan(8 * 0.85);
    expect(fit.rKPerKw).toBeLessThan(8 * 1.15);
    expect(fit.cKwhPerK).toBeGreaterThan(4 * 0.85);
    expect(fit.cKwhPerK).toBeLessThan(4 * 1.15);
  });

  it('refuses a history too short, one with gaps only, or one where the heating never changed', () => {
    expect(() => fitRc(history(0.2, 0), STEP)).toThrow(/at least 24 are needed/);
    const gappy = history(3, 0).filter((_, i) => i % 2 === 0);
    expect(() => fitRc(gappy, STEP)).toThrow(/Only 0 usable intervals/);
    const constant = history(3, 0).map((s) => ({ ...s, heatKw: 2, outdoorC: 5, indoorC: 20 }));
    expect(() => fitRc(constant, STEP)).toThrow(/does not separate heating from heat loss/);
  });
});
