import { afterAll, describe, expect, it } from 'vitest';
import { optimise } from '../../../../main/core/energy/optimiser/optimise.ts';
import { copAt } from '../../../../main/core/energy/optimiser/plan-problem.ts';
import { PlanSolver } from '../../../../main/core/energy/optimiser/plan-solver.ts';
import { battery, site, zone } from './instances.ts';

/**
 * Each asset alone on instances solved by hand (the arithmetic is in each test's comment), solved
 * by HiGHS in the solver's worker thread. Hour slots, so kW and kWh read the same.
 */
const solver = new PlanSolver();
afterAll(() => solver.close());

describe('battery alone', () => {
  it('charges in cheap hours and discharges in dear ones, never both at once', async () => {
    // base load 1 kW; buy 1 kW extra at 0.1 in hours 0 and 2, cover the load from the battery in 1 and 3:
    // cost = 2·0.1 + 0 + 2·0.1 + 0 = 0.4 (without the battery: 0.1+0.3+0.1+0.4 = 0.9)
    const p = site([0.1, 0.3, 0.1, 0.4], { baseKw: [1, 1, 1, 1], battery: battery() });
    const { view, solve } = await optimise(p, solver);
    expect(view.status).toBe('optimal');
    expect(solve!.objective).toBeCloseTo(0.4, 6);
    expect(view.slots.map((s) => s.battery!.chargeKw)).toEqual([1, 0, 1, 0]);
    expect(view.slots.map((s) => s.battery!.dischargeKw)).toEqual([0, 1, 0, 1]);
    // the dual of the balance row is the price of the slot's marginal kWh
    expect(view.slots.map((s) => s.valuePerKwh)).toEqual([0.1, 0.3, 0.1, 0.4]);
    expect(view.slots[0]!.reasons).toEqual([
      expect.objectContaining({
        asset: 'battery',
        because: 'price',
        text: expect.stringMatching(/charges 1\.0 kW at 0\.100\/kWh; stored energy is worth 0\.300\/kWh/),
      }),
    ]);
    expect(view.baseline.cost).toBeCloseTo(0.9, 6);
    expect(view.saving).toBeCloseTo(0.5, 6);
  });

  it('loses the round-trip efficiency: 81 % round trip returns 0.81 kWh per kWh bought', async () => {
    // η = 0.9 each way: 1 kWh bought at 0.1 stores 0.9 and returns 0.81. Hour 3 (0.4) gets its full
    // 1 kW (1.111 kWh out of store); hour 1 (0.3) what is left: 1.8 − 1.111 = 0.689 kWh → 0.62 kW.
    // cost = 2·0.1 + 0.38·0.3 + 2·0.1 + 0 = 0.514
    const p = site([0.1, 0.3, 0.1, 0.4], {
      baseKw: [1, 1, 1, 1],
      battery: battery({ roundTripEfficiency: 0.81 }),
    });
    const { solve, view } = await optimise(p, solver);
    expect(solve!.objective).toBeCloseTo(0.514, 6);
    expect(view.slots[1]!.battery!.dischargeKw).toBeCloseTo(0.62, 6);
    expect(view.slots[3]!.battery!.dischargeKw).toBeCloseTo(1, 6);
  });

  it('does not cycle when wear costs more than the spread', async () => {
    // spread 0.2 per kWh, wear 0.25 per kWh discharged: idle
    const p = site([0.1, 0.3], { baseKw: [1, 1], battery: battery({ cyclingCostPerKwh: 0.25 }) });
    const { view } = await optimise(p, solver);
    expect(view.slots.every((s) => s.battery!.chargeKw === 0 && s.battery!.dischargeKw === 0)).toBe(true);
  });

  it('the binary forbids burning energy by charging and discharging at once (the LP relaxation does)', async () => {
    // negative prices: every kWh imported is paid for, and a lossy battery could "waste" import by
    // charging and discharging in the same hour. The battery is nearly full (0.5 kWh of room), so
    // without the binary the LP imports more by cycling in place.
    const p = site([-0.1, -0.1, -0.1], {
      importLimitKw: 3,
      exportLimitKw: 0,
      battery: battery({ socKwh: 9.5, maxChargeKw: 2, maxDischargeKw: 2, roundTripEfficiency: 0.5 }),
    });
    const { view, solve } = await solver
      .solve(p, { timeLimitS: 5, mipGap: 0, relaxation: true })
      .then(async (s) => ({ solve: s, view: (await optimise(p, solver)).view }));
    for (const s of view.slots) expect(Math.min(s.battery!.chargeKw, s.battery!.dischargeKw)).toBe(0);
    expect(solve.relaxationObjective!).toBeLessThan(solve.objective! - 1e-6);
  });

  it('charges from PV surplus that would otherwise sell cheaply', async () => {
    const p = site([0.3, 0.3], {
      pvKw: [5, 0],
      baseKw: [1, 1],
      exportPrice: [0.02, 0.02],
      battery: battery({ maxChargeKw: 4, maxDischargeKw: 4 }),
    });
    const { view } = await optimise(p, solver);
    // what hour 1 needs (1 kWh) is stored; the rest sells at 0.02 (storing it would be worth nothing
    // at the horizon's end)
    expect(view.slots[0]!.battery!.chargeKw).toBeCloseTo(1, 6);
    expect(view.slots[0]!.exportKw).toBeCloseTo(3, 6);
    expect(view.slots[0]!.reasons.map((r) => r.because)).toContain('pv_surplus');
    expect(view.slots[1]!.battery!.dischargeKw).toBeCloseTo(1, 6);
  });
});

describe('EV alone', () => {
  // 3 phases × 230 V: 16 A = 11.04 kW, 6 A = 4.14 kW; plugged in hours 0-2, leaves at 3
  const ev = (needKwh: number) => ({
    id: 'ev',
    fromSlot: 0,
    departureSlot: 3,
    needKwh,
    minCurrentA: 6,
    maxCurrentA: 16,
    phases: 3 as const,
    voltage: 230,
    efficiency: 1,
  });

  it('charges in the cheapest hour before departure, not in the cheaper one after it', async () => {
    const p = site([0.3, 0.1, 0.2, 0.05], { ev: ev(10) });
    const { view } = await optimise(p, solver);
    expect(view.slots.map((s) => s.evKw)).toEqual([0, 10, 0, 0]);
    expect(view.summary.energyCost).toBeCloseTo(1, 6);
    expect(view.slots[1]!.reasons[0]).toMatchObject({ asset: 'ev', because: 'price' });
  });

  it('keeps to the minimum current: 12 kWh is 7.86 kW at 0.1 and 4.14 kW at 0.2 (cost 1.614)', async () => {
    // 11.04 at 0.1 would leave 0.96 kWh, below the 4.14 kW minimum for an hour
    const p = site([0.3, 0.1, 0.2, 0.05], { ev: ev(12) });
    const { view, solve } = await optimise(p, solver);
    expect(view.slots[1]!.evKw).toBeCloseTo(7.86, 6);
    expect(view.slots[2]!.evKw).toBeCloseTo(4.14, 6);
    expect(solve!.objective).toBeCloseTo(1.614, 6);
    expect(view.slots[2]!.reasons[0]).toMatchObject({ because: 'departure_deadline' });
  });
});

describe('zone heat pump alone (1R1C, COP 3, 0 °C outside, band 20-22 °C)', () => {
  // losses at 20 °C: 20 K / 10 K/kW = 2 kW of heat; holding 20 °C costs 0.667 kW electric per hour.
  // Pre-heating in hour 0 to T0 with 10·T1 = 9.9·T0 ≥ 200 → T0 = 20.202, hp0 = (202.02 − 198)/3 = 1.340 kW.
  it('pre-heats in the cheap hour and coasts through the dear one', async () => {
    const p = site([0.1, 0.5], { zones: [zone()] });
    const { view } = await optimise(p, solver);
    expect(view.slots[0]!.zones[0]!.kw).toBeCloseTo(1.34, 3);
    expect(view.slots[0]!.zones[0]!.tempC).toBeCloseTo(20.202, 3);
    expect(view.slots[1]!.zones[0]!.kw).toBeCloseTo(0, 6);
    expect(view.slots[1]!.zones[0]!.tempC).toBeCloseTo(20, 3);
    expect(view.summary.comfortKh).toBe(0);
    expect(view.slots[0]!.reasons[0]).toMatchObject({ asset: 'office', because: 'price' });
  });

  it('holds the comfort minimum when the cheap hour comes later', async () => {
    const p = site([0.5, 0.1], { zones: [zone()] });
    const { view } = await optimise(p, solver);
    expect(view.slots[0]!.zones[0]!.kw).toBeCloseTo(2 / 3, 3);
    expect(view.slots[0]!.reasons[0]).toMatchObject({
      because: 'comfort_bound',
      text: expect.stringMatching(/comfort limit of 20\.0 °C/),
    });
  });

  it('COP follows the outdoor temperature, within physical limits', () => {
    const z = { copAt7: 3.5, copSlopePerK: 0.1 };
    expect(copAt(z, 7)).toBe(3.5);
    expect(copAt(z, -3)).toBeCloseTo(2.5, 9);
    expect(copAt(z, -60)).toBe(1);
    expect(copAt(z, 100)).toBe(8);
  });

  it('a colder slot (lower COP) makes the same heat dearer: the plan heats in the milder one', async () => {
    // equal prices; COP 3 at 7 °C, 0.2/K: at -8 °C COP 0 → clamped 1, at 7 °C COP 3
    const p = site([0.2, 0.2], { outdoorC: [7, -8], zones: [zone({ copSlopePerK: 0.2 })] });
    const { view } = await optimise(p, solver);
    expect(view.slots[0]!.zones[0]!.kw).toBeGreaterThan(0);
    expect(view.slots[1]!.zones[0]!.kw).toBeCloseTo(0, 6);
  });
});

describe('hot-water tank alone', () => {
  it('heats in the cheap hour ahead of the draw', async () => {
    // 0.2 kWh/K, 50 °C, min 45: a 2 kWh draw in hour 2 needs 55 °C before it: 1 kWh at 0.1
    const p = site([0.1, 0.3, 0.3, 0.3], {
      hotWater: {
        id: 'tank',
        capacityKwhPerK: 0.2,
        tempC: 50,
        minC: 45,
        maxC: 60,
        heaterKw: 2,
        efficiency: 1,
        lossKwPerK: 0,
        ambientC: 20,
        drawKwh: [0, 0, 2, 0],
        onOff: false,
      },
    });
    const { view } = await optimise(p, solver);
    expect(view.slots.map((s) => s.hotWater!.kw)).toEqual([1, 0, 0, 0]);
    expect(view.slots[2]!.hotWater!.tempC).toBeCloseTo(45, 6);
    expect(view.slots[0]!.reasons[0]).toMatchObject({ asset: 'tank', because: 'price' });
  });
});

describe('shiftable appliance alone', () => {
  it('starts once, in the cheapest run of its window', async () => {
    const p = site([0.3, 0.1, 0.1, 0.3], {
      appliances: [
        {
          id: 'dishwasher',
          name: 'Dishwasher',
          powerKw: 2,
          durationSlots: 2,
          earliestSlot: 0,
          latestEndSlot: 4,
        },
      ],
    });
    const { view } = await optimise(p, solver);
    expect(view.slots.map((s) => s.appliances[0]!.kw)).toEqual([0, 2, 2, 0]);
    expect(view.summary.energyCost).toBeCloseTo(0.4, 6);
    expect(view.slots[1]!.reasons[0]!.text).toMatch(/Dishwasher starts at 01:00/);
  });
});

describe('site limits', () => {
  it('shaves the demand-charge peak with the battery: 5 kW → 3 kW (hand-solved)', async () => {
    // peak P: discharge 5−P in hours 0 and 3, recharge ≤ P−1 in hours 1 and 2, end SoC ≥ start:
    // 2(P−1) ≥ 2(5−P) → P = 3
    const p = site([0.1, 0.1, 0.1, 0.1], {
      baseKw: [5, 1, 1, 5],
      demand: { pricePerKw: 10, peakSoFarKw: 0, periodEnd: Date.UTC(2027, 0, 1) },
      battery: battery({ socKwh: 5, maxChargeKw: 4, maxDischargeKw: 4 }),
    });
    const { view } = await optimise(p, solver);
    expect(view.summary.peakKw).toBeCloseTo(3, 6);
    expect(view.summary.demandCost).toBeCloseTo(30, 6);
    expect(view.baseline.peakKw).toBeCloseTo(5, 6);
    expect(view.slots[0]!.reasons.map((r) => r.because)).toEqual(['peak_limit', 'peak_limit']);
  });

  it('a demand-response cap holds import down where the battery can cover it', async () => {
    // hour 1 is cheaper, so the plan imports as much there as the cap allows (2 kW); the battery
    // covers the other 2 kW and must be refilled in hour 0 (end SoC ≥ start): 6·0.2 + 2·0.1 = 1.4
    const p = site([0.2, 0.1], {
      baseKw: [4, 4],
      importCapKw: [null, 2],
      battery: battery({ socKwh: 5, maxChargeKw: 4, maxDischargeKw: 4 }),
    });
    const { view } = await optimise(p, solver);
    expect(view.slots[1]!.importKw).toBeCloseTo(2, 6);
    expect(view.summary.capExcessKwh).toBe(0);
    expect(view.summary.energyCost).toBeCloseTo(1.4, 6);
    expect(view.slots[1]!.reasons.map((r) => r.because)).toContain('import_cap');
  });
});
