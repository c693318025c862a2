import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../../main/core/energy/optimiser/model-builder.ts';
import { optimise } from '../../../../main/core/energy/optimiser/optimise.ts';
import type { PlanProblem } from '../../../../main/core/energy/optimiser/plan-problem.ts';
import { PlanSolver } from '../../../../main/core/energy/optimiser/plan-solver.ts';
import { safeSchedule } from '../../../../main/core/energy/optimiser/safe-schedule.ts';
import { battery, site, zone } from './instances.ts';

const solver = new PlanSolver();
afterAll(() => solver.close());

/** a day in hours: cheap nights, dear evening, PV at noon */
function day(): PlanProblem {
  const prices = [...Array(24).keys()].map((h) => (h < 6 ? 0.12 : h >= 17 && h < 21 ? 0.45 : 0.25));
  const pv = [...Array(24).keys()].map((h) => Math.max(0, 6 * Math.sin(((h - 6) / 12) * Math.PI)));
  return site(prices, {
    pvKw: pv,
    exportPrice: prices.map(() => 0.05),
    baseKw: prices.map((_, h) => (h >= 7 && h < 22 ? 1.2 : 0.4)),
    outdoorC: prices.map((_, h) => 2 + 4 * Math.sin(((h - 9) / 24) * 2 * Math.PI)),
    importLimitKw: 17,
    demand: { pricePerKw: 0.5, peakSoFarKw: 4, periodEnd: Date.UTC(2027, 0, 1) },
    battery: battery({
      capacityKwh: 10,
      socMinKwh: 1,
      socMaxKwh: 9.5,
      socKwh: 4,
      maxChargeKw: 3,
      maxDischargeKw: 3,
      roundTripEfficiency: 0.9,
      cyclingCostPerKwh: 0.02,
    }),
    ev: {
      id: 'ev',
      fromSlot: 18,
      departureSlot: 24,
      needKwh: 20,
      minCurrentA: 6,
      maxCurrentA: 16,
      phases: 3,
      voltage: 230,
      efficiency: 0.92,
    },
    hotWater: {
      id: 'tank',
      capacityKwhPerK: 0.2,
      tempC: 50,
      minC: 45,
      maxC: 65,
      heaterKw: 3,
      efficiency: 1,
      lossKwPerK: 0.002,
      ambientC: 18,
      drawKwh: prices.map((_, h) => (h === 7 || h === 20 ? 2.5 : 0)),
      onOff: true,
    },
    zones: [
      zone(
        {
          id: 'office',
          lowC: prices.map((_, h) => (h >= 8 && h < 18 ? 20.5 : 17)),
          highC: prices.map(() => 23),
          copSlopePerK: 0.08,
        },
        24,
      ),
      zone(
        {
          id: 'lab',
          name: 'Lab',
          rKPerKw: 6,
          cKwhPerK: 6,
          tempC: 19,
          lowC: prices.map(() => 19),
          highC: prices.map(() => 22),
        },
        24,
      ),
    ],
    appliances: [
      { id: 'washer', name: 'Washer', powerKw: 2, durationSlots: 2, earliestSlot: 9, latestEndSlot: 18 },
    ],
  });
}

describe('all assets together', () => {
  it('meets every hard limit, keeps comfort and beats the baseline', async () => {
    const p = day();
    const { view, schedule } = await optimise(p, solver);
    expect(view.status).toBe('optimal');
    const dt = 1;
    for (let t = 0; t < p.slots; t++) {
      const s = view.slots[t]!;
      // the balance row, recomputed from the view
      const loads =
        s.baseKw +
        s.battery!.chargeKw -
        s.battery!.dischargeKw +
        s.evKw! +
        s.hotWater!.kw +
        s.zones.reduce((a, z) => a + z.kw, 0) +
        s.appliances[0]!.kw;
      expect(s.importKw - s.exportKw + s.pvKw - s.curtailKw).toBeCloseTo(loads, 5);
      expect(Math.min(s.battery!.chargeKw, s.battery!.dischargeKw)).toBe(0);
      expect(s.importKw).toBeLessThanOrEqual(17 + 1e-6);
      expect(s.battery!.socKwh).toBeGreaterThanOrEqual(1 - 1e-6);
      expect([0, 3]).toContain(Math.round(s.hotWater!.kw * 1e6) / 1e6);
      expect(s.hotWater!.tempC).toBeGreaterThanOrEqual(45 - 1e-4);
      if (s.evKw! > 0) expect(s.evKw!).toBeGreaterThanOrEqual(4.14 - 1e-6);
    }
    expect(schedule.evKw.reduce((a, k) => a + k * 0.92 * dt, 0)).toBeGreaterThanOrEqual(20 - 1e-5);
    expect(schedule.applianceKw[0]!.filter((k) => k > 0)).toHaveLength(2);
    expect(view.summary.comfortKh).toBeLessThan(1e-3);
    expect(view.summary.cost).toBeLessThan(view.baseline.cost);
    expect(view.saving).toBeGreaterThan(0);
    // every slot where something runs says why
    for (const s of view.slots)
      if (s.battery!.chargeKw + s.battery!.dischargeKw + s.evKw! + s.hotWater!.kw > 1e-6)
        expect(s.reasons.length).toBeGreaterThan(0);
  });
});

describe('when no plan can be had', () => {
  it('an infeasible plan (an EV needing 100 kWh in 2 hours) falls back to the safe schedules and says so', async () => {
    const p = site([0.1, 0.2], {
      ev: {
        id: 'ev',
        fromSlot: 0,
        departureSlot: 2,
        needKwh: 100,
        minCurrentA: 6,
        maxCurrentA: 16,
        phases: 3,
        voltage: 230,
        efficiency: 1,
      },
    });
    const { view, schedule } = await optimise(p, solver);
    expect(view.status).toBe('fallback');
    expect(view.fallbackReason).toMatch(/infeasible/);
    expect(schedule).toEqual(safeSchedule(p));
    expect(view.slots[0]!.reasons[0]).toMatchObject({ because: 'safe_schedule' });
    expect(view.slots.map((s) => s.evKw)).toEqual([11.04, 11.04]);
  });

  it('a connection limit below the base load is infeasible too', async () => {
    const { view } = await optimise(site([0.1], { baseKw: [5], importLimitKw: 3 }), solver);
    expect(view.status).toBe('fallback');
  });

  it('HiGHS stopping at its time limit falls back, flagged as a timeout', async () => {
    const p = day();
    const { view, solve } = await optimise(p, solver, { solve: { timeLimitS: 1e-6 } });
    expect(solve?.status).toBe('timeout');
    expect(view.status).toBe('fallback');
    expect(view.fallbackReason).toMatch(/not solved within its time limit/);
  });

  it('a solver thread that does not answer in time is stopped, and the next solve gets a fresh one', async () => {
    const impatient = new PlanSolver({ graceMs: 0 });
    try {
      const { view } = await optimise(day(), impatient, { solve: { timeLimitS: 0 } });
      expect(view.status).toBe('fallback');
      expect(view.fallbackReason).toMatch(/solver thread was stopped/);
      const again = await impatient.solve(site([0.1, 0.3], { baseKw: [1, 1], battery: battery() }), {
        timeLimitS: 5,
        mipGap: 0,
      });
      expect(again.status).toBe('optimal');
    } finally {
      await impatient.close();
    }
  });

  it('a malformed problem is refused with a clear message, and the plan falls back', async () => {
    const bad = site([0.1, 0.2], { pvKw: [1] });
    expect(() => buildModel(bad)).toThrow(/pvKw has 1 values for 2 slots/);
    const { view } = await optimise(bad, solver);
    expect(view.status).toBe('fallback');
    expect(view.fallbackReason).toMatch(/pvKw has 1 values/);
    expect(() => buildModel(site([Number.NaN]))).toThrow(
      /importPrice has a value that is not a finite number/,
    );
  });
});
