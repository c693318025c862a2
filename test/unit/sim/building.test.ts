import { describe, expect, it } from 'vitest';
import { getTimes } from 'suncalc';
import { BuildingModel, CommandError } from '../../../adapters/sim/building/model.ts';
import { defaultSite, DEFAULT_LOCATION } from '../../../adapters/sim/building/site.ts';
import { irradiance, sunPosition } from '../../../adapters/sim/building/sun.ts';
import { pvPowerW } from '../../../adapters/sim/building/pv.ts';
import { zoneTemperatureAfter } from '../../../adapters/sim/building/thermal.ts';
import type { BuildingSnapshot } from '../../../adapters/sim/building/snapshot.ts';

const MONDAY_JAN = Date.UTC(2026, 0, 12, 0, 0); // a Monday, local 01:00
const MONDAY_JUN = Date.UTC(2026, 5, 15, 0, 0);
const HOUR = 3_600_000;

function sumLoads(s: BuildingSnapshot): number {
  const plugs = Object.values(s.plugs).reduce((a, p) => a + p.powerW, 0);
  const lights = Object.values(s.lights).reduce((a, l) => a + l.powerW, 0);
  const heating = Object.values(s.zones).reduce((a, z) => a + z.heatingPowerW, 0);
  return plugs + lights + heating;
}

describe('thermal zone', () => {
  it('heats toward outdoor + Q/UA and is stable for any step length', () => {
    const t = zoneTemperatureAfter(18, 0, 2000, 100, 3.6e6, 3600);
    expect(t).toBeGreaterThan(18);
    expect(zoneTemperatureAfter(18, 0, 2000, 100, 3.6e6, 1e9)).toBeCloseTo(20, 6);
    expect(zoneTemperatureAfter(18, 0, 0, 100, 3.6e6, 3600)).toBeLessThan(18);
  });

  it('a higher setpoint turns the heater on and the room warms over time', () => {
    const m = new BuildingModel(defaultSite(), 7, MONDAY_JAN);
    m.setThermostat('office', { mode: 'off' });
    m.step(6 * HOUR);
    const cold = m.snapshot().zones.office!;
    expect(cold.heatingPowerW).toBe(0);
    m.setThermostat('office', { mode: 'heat', setpoint: 23 });
    const on = m.snapshot().zones.office!;
    expect(on.thermostat).toMatchObject({ mode: 'heat', setpoint: 23, heating: true });
    expect(on.heatingPowerW).toBeGreaterThan(0);
    m.step(2 * HOUR);
    const warmer = m.snapshot().zones.office!;
    expect(warmer.temperature).toBeGreaterThan(cold.temperature + 1);
    m.step(10 * HOUR);
    // held within the hysteresis band (plus one substep of overshoot)
    expect(Math.abs(m.snapshot().zones.office!.temperature - 23)).toBeLessThan(0.6);
  });

  it('an unheated room drifts toward outdoors when its heating is off', () => {
    const m = new BuildingModel(defaultSite(), 7, MONDAY_JAN);
    m.setThermostat('meeting', { mode: 'off' });
    const before = m.snapshot().zones.meeting!.temperature;
    m.step(12 * HOUR);
    const s = m.snapshot();
    expect(s.zones.meeting!.temperature).toBeLessThan(before - 2);
    expect(s.zones.meeting!.heatingEnergyKWh).toBe(0);
  });
});

describe('sun and PV', () => {
  it('PV is zero at night and the clear-sky peak is near solar noon', () => {
    const { lat, lon } = DEFAULT_LOCATION;
    const pv = defaultSite().pv;
    const day = Date.UTC(2026, 5, 15);
    let best = { t: 0, w: -1 };
    for (let t = day; t < day + 24 * HOUR; t += 5 * 60_000) {
      const sun = sunPosition(t, lat, lon);
      const w = pvPowerW(pv, sun, irradiance(sun, 0));
      if (sun.elevation <= 0) expect(w).toBe(0);
      if (w > best.w) best = { t, w };
    }
    const noon = getTimes(new Date(day + 12 * HOUR), lat, lon).solarNoon.getTime();
    expect(Math.abs(best.t - noon)).toBeLessThanOrEqual(30 * 60_000);
    expect(best.w).toBeGreaterThan(0.7 * pv.capacityW);
    expect(best.w).toBeLessThanOrEqual(pv.capacityW);
  });

  it('the building reports no PV at midnight and some at midday', () => {
    const m = new BuildingModel(defaultSite(), 3, MONDAY_JUN);
    expect(m.snapshot().pv.powerW).toBe(0);
    expect(m.snapshot().zones.office!.illuminance).toBe(0);
    m.step(11 * HOUR);
    expect(m.snapshot().pv.powerW).toBeGreaterThan(500);
    expect(m.snapshot().outdoor.illuminance).toBeGreaterThan(10_000);
  });

  it('clouds cut PV', () => {
    const sun = sunPosition(Date.UTC(2026, 5, 15, 11, 30), DEFAULT_LOCATION.lat, DEFAULT_LOCATION.lon);
    const pv = defaultSite().pv;
    expect(pvPowerW(pv, sun, irradiance(sun, 1))).toBeLessThan(0.4 * pvPowerW(pv, sun, irradiance(sun, 0)));
  });
});

describe('meter and loads', () => {
  it('meter net power equals loads + heating - PV at every step; energies balance', () => {
    const m = new BuildingModel(defaultSite(), 11, MONDAY_JUN);
    m.setLight('office', { on: true, brightness: 255 });
    let exported = false;
    for (let i = 0; i < 24 * 4; i++) {
      m.step(15 * 60_000);
      const s = m.snapshot();
      expect(s.meter.netPowerW).toBeCloseTo(sumLoads(s) - s.pv.powerW, 6);
      expect(s.meter.importPowerW - s.meter.exportPowerW).toBeCloseTo(s.meter.netPowerW, 6);
      expect(Math.min(s.meter.importPowerW, s.meter.exportPowerW)).toBe(0);
      if (s.meter.exportPowerW > 0) exported = true;
    }
    expect(exported).toBe(true);
    const s = m.snapshot();
    const loadKWh =
      Object.values(s.plugs).reduce((a, p) => a + p.energyKWh, 0) +
      Object.values(s.lights).reduce((a, l) => a + l.energyKWh, 0) +
      Object.values(s.zones).reduce((a, z) => a + z.heatingEnergyKWh, 0);
    expect(s.meter.importEnergyKWh - s.meter.exportEnergyKWh).toBeCloseTo(loadKWh - s.pv.energyKWh, 6);
  });

  it('switching a plug off zeroes its draw and drops the meter at once', () => {
    const m = new BuildingModel(defaultSite(), 5, MONDAY_JAN);
    const before = m.snapshot();
    const server = before.plugs['plant-plug-1']!;
    expect(server.powerW).toBeGreaterThan(150);
    m.setPlug('plant-plug-1', false);
    const after = m.snapshot();
    expect(after.plugs['plant-plug-1']!.powerW).toBe(0);
    expect(after.meter.netPowerW).toBeCloseTo(before.meter.netPowerW - server.powerW, 6);
  });

  it('light power follows on/off and brightness', () => {
    const m = new BuildingModel(defaultSite(), 5, MONDAY_JAN);
    expect(m.snapshot().lights.office!.powerW).toBe(0);
    m.setLight('office', { on: true, brightness: 255 });
    const full = m.snapshot().lights.office!.powerW;
    m.setLight('office', { brightness: 64 });
    const dim = m.snapshot().lights.office!.powerW;
    expect(full).toBeCloseTo(120, 6);
    expect(dim).toBeGreaterThan(0);
    expect(dim).toBeLessThan(full / 2);
    m.setLight('office', { on: false });
    expect(m.snapshot().lights.office!.powerW).toBe(0);
  });

  it('energy counters never decrease', () => {
    const m = new BuildingModel(defaultSite(), 9, MONDAY_JAN);
    let prev = m.snapshot();
    for (let i = 0; i < 200; i++) {
      m.step(7 * 60_000 + 13_000);
      if (i === 50) m.setPlug('office-plug-1', false);
      if (i === 120) m.setPlug('office-plug-1', true);
      const s = m.snapshot();
      for (const [id, p] of Object.entries(s.plugs))
        expect(p.energyKWh).toBeGreaterThanOrEqual(prev.plugs[id]!.energyKWh);
      expect(s.meter.importEnergyKWh).toBeGreaterThanOrEqual(prev.meter.importEnergyKWh);
      expect(s.meter.exportEnergyKWh).toBeGreaterThanOrEqual(prev.meter.exportEnergyKWh);
      expect(s.pv.energyKWh).toBeGreaterThanOrEqual(prev.pv.energyKWh);
      prev = s;
    }
    expect(prev.meter.importEnergyKWh).toBeGreaterThan(1);
  });
});

describe('occupancy and air', () => {
  it('offices fill on weekday working hours, are empty at night and on weekends; CO2 follows people', () => {
    const m = new BuildingModel(defaultSite(), 21, MONDAY_JAN);
    expect(m.snapshot().zones.office!.occupied).toBe(false);
    m.step(9 * HOUR); // 10:00 local
    const day = m.snapshot().zones.office!;
    expect(day.occupants).toBeGreaterThan(0);
    expect(day.co2).toBeGreaterThan(600);
    m.step(13 * HOUR); // 23:00 local
    const night = m.snapshot().zones.office!;
    expect(night.occupied).toBe(false);
    m.step(6 * HOUR); // 05:00 local: CO2 has decayed toward outdoor
    expect(m.snapshot().zones.office!.co2).toBeLessThan(500);
    const sat = new BuildingModel(defaultSite(), 21, Date.UTC(2026, 0, 17, 9));
    expect(sat.snapshot().zones.meeting!.occupied).toBe(false);
    for (const z of Object.values(m.snapshot().zones)) {
      expect(z.humidity).toBeGreaterThan(5);
      expect(z.humidity).toBeLessThan(95);
    }
  });
});

describe('determinism and input checks', () => {
  it('the same seed and steps give the same building; another seed differs', () => {
    const run = (seed: number) => {
      const m = new BuildingModel(defaultSite(), seed, MONDAY_JAN);
      for (let i = 0; i < 48; i++) m.step(30 * 60_000);
      return m.snapshot();
    };
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
  });

  it('rejects bad steps and commands without changing state', () => {
    const m = new BuildingModel(defaultSite(), 1, MONDAY_JAN);
    const before = m.snapshot();
    expect(() => m.step(-1)).toThrow(RangeError);
    expect(() => m.step(Number.NaN)).toThrow(RangeError);
    expect(() => m.setThermostat('office', { setpoint: 99 })).toThrow(CommandError);
    expect(() => m.setThermostat('office', { setpoint: Number.NaN })).toThrow(CommandError);
    expect(() => m.setThermostat('plant', { setpoint: 20 })).toThrow(CommandError);
    expect(() => m.setLight('office', { brightness: 300 })).toThrow(CommandError);
    expect(() => m.setPlug('nope', true)).toThrow(CommandError);
    expect(m.snapshot()).toEqual(before);
  });
});
