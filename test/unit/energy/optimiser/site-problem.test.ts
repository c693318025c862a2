import { describe, expect, it } from 'vitest';
import { PlanSettings } from '../../../../shared/energy/plan-settings.ts';
import {
  SLOT_MS,
  siteProblem,
  type SiteProblemInput,
} from '../../../../main/core/energy/planning/site-problem.ts';
import { firstSlotAtOrAfter, slotMinutes } from '../../../../main/core/energy/planning/local-slots.ts';
import type { PlanInputs } from '../../../../main/core/energy/plan-inputs.ts';

const TZ = 'Europe/Berlin';
/** PlanInputs as the energy module answers them, with flat series */
const inputs: PlanInputs = {
  timezone: () => TZ,
  prices: (s) => ({ importPerKwh: s.map(() => 0.3), exportPerKwh: s.map(() => 0.08) }),
  demandCharge: () => ({ pricePerKw: 9, peakSoFarKw: 6, periodEnd: Date.UTC(2027, 0, 1) }),
  pvForecastW: (s) => s.map(() => 2000),
  baseLoadForecastW: (s) => s.map(() => 500),
  outdoorTempForecastC: (s) => s.map(() => 5),
  gridLimits: () => ({ importW: 25_000, exportW: null }),
};
const states = new Map<string, number | boolean>([
  ['sensor.soc', 50],
  ['sensor.office', 19.5],
  ['sensor.tank', 52],
  ['binary_sensor.ev', true],
]);
const readings = {
  number: (id: string) => (typeof states.get(id) === 'number' ? (states.get(id) as number) : null),
  on: (id: string) => (typeof states.get(id) === 'boolean' ? (states.get(id) as boolean) : null),
};
const settings = PlanSettings.parse({
  horizonHours: 24,
  battery: {
    id: 'bat',
    name: 'Battery',
    socEntity: 'sensor.soc',
    capacityKwh: 10,
    maxChargeKw: 5,
    maxDischargeKw: 5,
  },
  ev: {
    id: 'ev',
    name: 'Car',
    pluggedEntity: 'binary_sensor.ev',
    switchEntity: 'switch.ev',
    departure: '07:00',
    needKwh: 30,
  },
  hotWater: {
    id: 'tank',
    name: 'Tank',
    tempEntity: 'sensor.tank',
    switchEntity: 'switch.tank',
    volumeL: 200,
    heaterKw: 3,
    draws: [{ at: '07:00', kwh: 2 }],
  },
  zones: [
    {
      id: 'office',
      name: 'Office',
      thermostatEntity: 'climate.office',
      tempEntity: 'sensor.office',
      rKPerKw: 10,
      cKwhPerK: 5,
      maxKw: 2,
      comfort: [{ from: '08:00', to: '18:00', lowC: 21, highC: 23 }],
    },
    {
      id: 'lab',
      name: 'Lab',
      thermostatEntity: 'climate.lab',
      tempEntity: 'sensor.lab',
      rKPerKw: 10,
      cKwhPerK: 5,
      maxKw: 2,
    },
  ],
  appliances: [
    {
      id: 'dw',
      name: 'Dishwasher',
      switchEntity: 'switch.dw',
      powerKw: 2,
      durationMinutes: 120,
      from: '22:00',
      to: '06:00',
    },
  ],
});
const base = (over: Partial<SiteProblemInput> = {}): SiteProblemInput => ({
  now: Date.UTC(2026, 11, 3, 16, 7), // 17:07 in Berlin
  settings,
  inputs,
  readings,
  overrides: [],
  dr: [],
  evDeliveredKwh: 0,
  appliancesDone: new Set(),
  ...over,
});

describe('the site problem from PlanInputs and the planner settings', () => {
  it('turns W into kW, SoC % into kWh, local comfort times and draws into slots', () => {
    const { problem: p, notes } = siteProblem(base());
    expect(p.start).toBe(Date.UTC(2026, 11, 3, 16, 0));
    expect(p.slots).toBe(96);
    expect(p.pvKw[0]).toBe(2);
    expect(p.baseKw[0]).toBe(0.5);
    expect(p.importLimitKw).toBe(25);
    // the period's 6 kW peak counts as free only up to 10 % below it (a reserve for forecast error)
    expect(p.demand).toMatchObject({ pricePerKw: 9, peakSoFarKw: 5.4 });
    expect(p.battery).toMatchObject({ socKwh: 5, socMinKwh: 1, socMaxKwh: 9.5 });
    const office = p.zones![0]!;
    // slot 0 is 17:00 local (in the 08-18 band); slot 4 is 18:00 (outside: the default 17-25 band);
    // planned 0.3 K inside the band for the thermostat's swing
    expect([office.lowC[0], office.lowC[4]]).toEqual([21.3, 17.3]);
    expect(office.highC[0]).toBeCloseTo(22.7, 9);
    // the tank's 07:00 draw lands in the 07:00 local slot: 14 h after 17:00
    expect(p.hotWater!.drawKwh.indexOf(2)).toBe(56);
    // the EV leaves at 07:00 local
    expect(p.ev).toMatchObject({ fromSlot: 0, departureSlot: 56, needKwh: 30 });
    // the dishwasher's 22:00-06:00 window: slots 20 to 52
    expect(p.appliances![0]).toMatchObject({ earliestSlot: 20, latestEndSlot: 52, durationSlots: 8 });
    // the lab's temperature is unknown: left out, and said so
    expect(p.zones).toHaveLength(1);
    expect(notes).toEqual([expect.stringMatching(/Lab left out: its temperature \(sensor.lab\) is unknown/)]);
  });

  it('a held temperature narrows the band until the override ends; charge-now pulls the EV forward', () => {
    const now = base().now;
    const { problem: p } = siteProblem(
      base({
        overrides: [
          { kind: 'hold_temperature', asset: 'office', tempC: 22, until: now + 2 * 3_600_000 },
          { kind: 'ev_charge_now', asset: 'ev', until: now + 12 * 3_600_000 },
        ],
      }),
    );
    const office = p.zones![0]!;
    expect([office.lowC[0], office.highC[0]]).toEqual([21.75, 22.25]);
    expect(office.lowC[12]).toBe(17.3);
    // 30 kWh at 11.04 kW × 0.92 per hour: 2.95 h → 12 slots from now
    expect(p.ev).toMatchObject({ departureSlot: 12, chargeNow: true });
  });

  it('demand-response caps apply to the slots they cover, the tightest where they overlap', () => {
    const now = base().now;
    const from = Date.UTC(2026, 11, 3, 17);
    const { problem: p } = siteProblem(
      base({
        dr: [
          { id: 'a', capKw: 5, from, to: from + 3_600_000, source: 't', receivedAt: now, compliance: null },
          {
            id: 'b',
            capKw: 3,
            from: from + 1_800_000,
            to: from + 7_200_000,
            source: 't',
            receivedAt: now,
            compliance: null,
          },
        ],
      }),
    );
    expect(p.importCapKw!.slice(3, 13)).toEqual([null, 5, 5, 3, 3, 3, 3, 3, 3, null]);
  });

  it('an EV need beyond what the charger can deliver by departure is planned at the most it can, with a note', () => {
    const late = Date.UTC(2026, 11, 4, 5, 0); // 06:00 local: one hour to departure
    const { problem: p, notes } = siteProblem(base({ now: late }));
    expect(p.ev!.needKwh).toBeCloseTo(11.04 * 0.92, 6);
    expect(notes.join(' ')).toMatch(/Car needs 30\.0 kWh but can take at most 10\.2 kWh by 07:00/);
  });

  it('local times survive the DST change: the 25-hour day of 25 October 2026 in Berlin', () => {
    const start = Date.UTC(2026, 9, 24, 22); // 00:00 CEST
    const minutes = slotMinutes(start, SLOT_MS, 100, TZ);
    // 02:00-03:00 happens twice: 02:00 local is 2 h and again 3 h after midnight
    expect(minutes[8]).toBe(120);
    expect(minutes[12]).toBe(120);
    expect(minutes[16]).toBe(180);
    expect(firstSlotAtOrAfter(minutes, 1, '07:00')).toBe(32);
    // and the 23-hour day of 29 March 2026: 02:30 never happens, the 03:00 slot stands for it
    const spring = slotMinutes(Date.UTC(2026, 2, 28, 23), SLOT_MS, 40, TZ);
    expect(spring.slice(7, 9)).toEqual([105, 180]);
    expect(firstSlotAtOrAfter(spring, 1, '02:30')).toBe(8);
    expect(firstSlotAtOrAfter(spring, 1, '07:00')).toBe(24);
  });
});
