import { describe, expect, it } from 'vitest';
import { fitLoadModel, forecastLoad, type LoadSample } from '../../../../main/core/energy/forecast/load.ts';
import { forecastTemperature } from '../../../../main/core/energy/forecast/temperature.ts';
import { localMinute } from '../../../../main/core/rules/local-time.ts';

const TZ = 'Europe/Berlin';
const HOUR = 3_600_000;
const START = Date.parse('2024-01-01T00:00:00+01:00'); // a Monday (New Year: a holiday)

/** Deterministic noise in [-1, 1]. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/** Outdoor temperature: cold and mild spells two weeks apart (-6 .. 18 degC), a daily swing of +-4 K. */
function temp(ts: number): number {
  const day = (ts - START) / 86_400_000;
  const hour = localMinute(ts, TZ).hour;
  return 6 + 8 * Math.sin((day / 14) * 2 * Math.PI) + 4 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
}

/**
 * Known structure: workdays 5 kW from 09:00 to 17:00 and 1 kW otherwise; Saturdays 1.5 kW; Sundays
 * and holidays 1 kW; plus 300 W per K below 15 degC; plus +-100 W noise and a few 20 kW outliers.
 */
function truth(ts: number, t: number, holidays: Set<string>): number {
  const lm = localMinute(ts, TZ);
  const date = `${lm.year}-${String(lm.month).padStart(2, '0')}-${String(lm.day).padStart(2, '0')}`;
  const sunday = lm.weekday === 0 || holidays.has(date);
  const base = sunday ? 1000 : lm.weekday === 6 ? 1500 : lm.hour >= 9 && lm.hour < 17 ? 5000 : 1000;
  return base + 300 * Math.max(0, 15 - t);
}

const holidays = new Set(['2024-01-01']);

function history(days: number): LoadSample[] {
  const out: LoadSample[] = [];
  for (let i = 0; i < days * 24; i++) {
    const start = START + i * HOUR;
    const t = temp(start + HOUR / 2);
    let w = truth(start, t, holidays) + 100 * noise(i);
    if (i % 97 === 0) w = 20_000; // a party, a meter glitch: medians shrug these off
    out.push({ start, end: start + HOUR, kWh: w / 1000, tempC: t });
  }
  return out;
}

describe('load forecast from history', () => {
  const model = fitLoadModel(history(42), { timezone: TZ, isHoliday: (d) => holidays.has(d) });

  it('recovers the day-type/hour profile and the heating slope of the synthetic building', () => {
    expect(model.heating?.baseTempC).toBe(15);
    expect(model.heating!.wPerK).toBeGreaterThan(280);
    expect(model.heating!.wPerK).toBeLessThan(320);
    // each base within the noise amplitude (100 W) of the truth
    const near = (x: number | null | undefined, truth: number) =>
      expect(Math.abs(x! - truth)).toBeLessThan(100);
    near(model.base.workday[11], 5000);
    near(model.base.workday[3], 1000);
    near(model.base.workday[20], 1000);
    near(model.base.saturday[11], 1500);
    near(model.base.sunday[11], 1000);
  });

  it('forecasts a new week within the noise, given the temperature forecast', () => {
    const slots = Array.from({ length: 7 * 24 }, (_, i) => START + 42 * 86_400_000 + i * HOUR);
    const temps = slots.map((s) => temp(s + HOUR / 2));
    const f = forecastLoad(model, slots, HOUR, temps);
    const errors = slots.map((s, i) => f[i]! - truth(s, temps[i]!, holidays));
    const mae = errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length;
    expect(mae).toBeLessThan(120);
    expect(Math.abs(errors.reduce((a, b) => a + b, 0) / errors.length)).toBeLessThan(60);
  });

  it('without the temperature term the same history forecasts worse; a holiday runs like a Sunday', () => {
    const flat = fitLoadModel(history(42), {
      timezone: TZ,
      temperature: 'none',
      isHoliday: (d) => holidays.has(d),
    });
    expect(flat.heating).toBeNull();
    expect(flat.mae).toBeGreaterThan(model.mae * 1.5);
    const wednesdayNoon = Date.parse('2024-02-14T12:00:00+01:00');
    const [normal] = forecastLoad(model, [wednesdayNoon], HOUR, [15]);
    const [holiday] = forecastLoad(model, [wednesdayNoon], HOUR, [15], (d) => d === '2024-02-14');
    expect(normal).toBeCloseTo(5000, -2);
    expect(holiday).toBeCloseTo(1000, -2);
  });

  it('15-minute slots on a DST day follow the local clock', () => {
    const slots = Array.from({ length: 8 }, (_, i) => Date.parse('2024-03-29T08:00:00+01:00') + i * 900_000);
    const f = forecastLoad(model, slots, 900_000, Array(8).fill(15));
    expect(f.slice(0, 4).every((w) => w < 1500)).toBe(true); // Good Friday is no holiday here: 08:xx
    expect(f.slice(4).every((w) => w > 4500)).toBe(true); // 09:xx
  });
});

describe('outdoor temperature forecast (offline persistence)', () => {
  const now = START + 10 * 86_400_000;
  const curve = (ts: number) => 5 + 4 * Math.sin(((localMinute(ts, TZ).hour - 9) / 24) * 2 * Math.PI);
  const hist = Array.from({ length: 10 * 24 }, (_, i) => ({
    ts: START + i * HOUR + 1,
    tempC: curve(START + i * HOUR),
  }));

  it('repeats the recent daily curve when today is typical', () => {
    const slots = Array.from({ length: 24 }, (_, i) => now + i * HOUR);
    const f = forecastTemperature(hist, slots, HOUR, { timezone: TZ, now });
    slots.forEach((s, i) => expect(f[i]).toBeCloseTo(curve(s), 6));
  });

  it("today's anomaly fades with the e-folding time", () => {
    const warm = [...hist, { ts: now, tempC: curve(now) + 3 }];
    const slots = [now, now + 6 * HOUR, now + 24 * HOUR];
    const f = forecastTemperature(warm, slots, 1, { timezone: TZ, now, decayHours: 6 });
    expect(f[0]! - curve(now)).toBeCloseTo(3, 3);
    expect(f[1]! - curve(now + 6 * HOUR)).toBeCloseTo(3 * Math.exp(-1), 3);
    expect(f[2]! - curve(now + 24 * HOUR)).toBeCloseTo(3 * Math.exp(-4), 3);
    expect(() => forecastTemperature([], slots, HOUR, { timezone: TZ, now })).toThrow(
      /no outdoor temperature/,
    );
  });
});
