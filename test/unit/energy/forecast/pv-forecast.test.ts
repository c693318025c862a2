import { describe, expect, it } from 'vitest';
import {
  type EnergyPoint,
  learnPvCorrection,
  pvForecast,
  pvMeanPowerW,
  solarHour,
} from '../../../../main/core/energy/forecast/pv.ts';
import { PvSystem } from '../../../../shared/energy/forecast.ts';

const site = { lat: 50.11, lon: 8.68 };
const system = PvSystem.parse({
  arrays: [
    { name: 'south', tiltDeg: 30, azimuthDeg: 180, kWp: 6 },
    { name: 'west', tiltDeg: 20, azimuthDeg: 270, kWp: 3 },
  ],
});
const HOUR = 3_600_000;
const DAY0 = Date.parse('2024-06-01T00:00Z');

/**
 * Measured hourly production over 14 days: the clear-sky model x 0.8 (soiling, a pessimistic
 * nameplate), x 0.3 in the solar hours 7 and 8 (a neighbour's tree shades the morning), and two
 * overcast days at x 0.1 that a median must ignore.
 */
function history(): EnergyPoint[] {
  const out: EnergyPoint[] = [];
  for (let d = 0; d < 14; d++) {
    for (let h = 0; h < 24; h++) {
      const start = DAY0 + d * 86_400_000 + h * HOUR;
      const model = pvMeanPowerW(system, site, start, start + HOUR);
      const sh = solarHour(start + HOUR / 2, site.lon);
      const k = d === 3 || d === 9 ? 0.1 : sh === 7 || sh === 8 ? 0.3 : 0.8;
      out.push({ start, end: start + HOUR, kWh: (model * k) / 1000 });
    }
  }
  return out;
}

describe('PV forecast corrected by measured production', () => {
  const now = DAY0 + 14 * 86_400_000;
  const correction = learnPvCorrection(system, site, history(), { now, days: 14 });

  it('learns the clear-sky index per solar hour, ignoring the overcast days (median)', () => {
    expect(correction.byHour[7]).toBeCloseTo(0.3, 9);
    expect(correction.byHour[8]).toBeCloseTo(0.3, 9);
    for (const h of [10, 12, 14, 16]) expect(correction.byHour[h]).toBeCloseTo(0.8, 9);
    expect(correction.byHour[0]).toBeNull(); // night: nothing to learn
    expect(correction.overall).toBeCloseTo(0.8, 9);
    expect(correction.samples).toBeGreaterThan(150);
  });

  it("the forecast is the model times the learnt index of each slot's solar hour", () => {
    const slots = Array.from({ length: 96 }, (_, i) => now + i * 900_000);
    const raw = pvForecast(system, site, slots, 900_000);
    const corrected = pvForecast(system, site, slots, 900_000, { correction });
    slots.forEach((s, i) => {
      const k = correction.byHour[solarHour(s + 450_000, site.lon)] ?? correction.overall!;
      expect(corrected[i]).toBeCloseTo(raw[i]! * k, 9);
    });
    // a 9 kWp system on a June day: raw clear-sky energy near 60 kWh; corrected lower
    const kwh = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / 4 / 1000;
    expect(kwh(raw)).toBeGreaterThan(50);
    expect(kwh(raw)).toBeLessThan(75);
    expect(kwh(corrected) / kwh(raw)).toBeGreaterThan(0.7);
    expect(kwh(corrected) / kwh(raw)).toBeLessThan(0.8);
  });

  it('without enough history the forecast stays the clear-sky model; bad points are skipped', () => {
    const few = learnPvCorrection(system, site, history().slice(0, 30), { now, days: 14 });
    expect(few.byHour.every((x) => x === null)).toBe(true);
    const none = learnPvCorrection(system, site, [{ start: now - HOUR, end: now, kWh: NaN }], { now });
    expect(none).toMatchObject({ overall: null, samples: 0 });
    const slots = [now + 12 * HOUR];
    expect(pvForecast(system, site, slots, HOUR, { correction: none })).toEqual(
      pvForecast(system, site, slots, HOUR),
    );
  });
});
