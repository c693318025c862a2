import { describe, expect, it } from 'vitest';
import type { EntityCommand } from '../../../../shared/domain/command.ts';
import type { PlanSlotView, PlanView } from '../../../../shared/energy/plan.ts';
import { PlanSettings } from '../../../../shared/energy/plan-settings.ts';
import { PlanExecutor } from '../../../../main/core/energy/planning/plan-executor.ts';

/**
 * The plan's slot as device commands. The thermostat path runs against the demo's real devices in
 * test/integration/energy/planner-api.test.ts; here every asset's mapping, the duty cycle, the
 * de-duplication and a refused command (audited as an error, retried next time).
 */
const settings = PlanSettings.parse({
  mode: 'execute',
  battery: {
    id: 'bat',
    name: 'Battery',
    socEntity: 's.soc',
    modeEntity: 'select.bat_mode',
    powerEntity: 'number.bat_power',
    capacityKwh: 10,
    maxChargeKw: 4,
    maxDischargeKw: 5,
  },
  ev: {
    id: 'ev',
    name: 'Car',
    pluggedEntity: 'b.ev',
    switchEntity: 'switch.ev',
    currentEntity: 'number.ev_current',
    phases: 3,
  },
  hotWater: {
    id: 'tank',
    name: 'Tank',
    tempEntity: 's.tank',
    switchEntity: 'switch.tank',
    volumeL: 200,
    heaterKw: 3,
  },
  zones: [
    {
      id: 'office',
      name: 'Office',
      thermostatEntity: 'climate.office',
      tempEntity: 'climate.office',
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
      durationMinutes: 30,
      from: '00:00',
      to: '23:59',
    },
  ],
});
const SLOT = 900_000;
const slot = (t: number, over: Partial<PlanSlotView>): PlanSlotView => ({
  start: t * SLOT,
  importPrice: 0.2,
  exportPrice: 0.05,
  pvKw: 0,
  baseKw: 1,
  importKw: 1,
  exportKw: 0,
  curtailKw: 0,
  valuePerKwh: 0.2,
  battery: { chargeKw: 0, dischargeKw: 0, socKwh: 5 },
  evKw: 0,
  hotWater: { kw: 0, tempC: 50 },
  zones: [{ id: 'office', kw: 0, tempC: 20.4, lowC: 20.3, highC: 22.7 }],
  appliances: [{ id: 'dw', kw: 0 }],
  reasons: [],
  ...over,
});
const plan = (slots: PlanSlotView[]): PlanView => ({
  createdAt: 0,
  start: 0,
  slotMs: SLOT,
  status: 'optimal',
  fallbackReason: null,
  solveMs: 1,
  summary: {} as PlanView['summary'],
  baseline: {} as PlanView['baseline'],
  saving: 0,
  slots,
});

function recorder(refuse: (id: string) => boolean = () => false) {
  const sent: Array<[string, EntityCommand]> = [];
  const audit: Array<{ target: string; outcome: string; detail: string }> = [];
  const executor = new PlanExecutor({
    execute: async (id, cmd) => {
      if (refuse(id)) throw new Error('device offline');
      sent.push([id, cmd]);
    },
    audit: async (e) => {
      audit.push(e);
    },
  });
  return { sent, audit, executor };
}

describe('the plan executor', () => {
  it('maps a slot onto every asset’s commands, with the slot’s reason in the audit', async () => {
    const { sent, audit, executor } = recorder();
    const p = plan([
      slot(0, {
        battery: { chargeKw: 2, dischargeKw: 0, socKwh: 5.5 },
        evKw: 7.4,
        hotWater: { kw: 3, tempC: 55 },
        zones: [{ id: 'office', kw: 1, tempC: 20.96, lowC: 20.3, highC: 22.7 }],
        appliances: [{ id: 'dw', kw: 2 }],
        reasons: [{ asset: 'bat', because: 'price', text: 'Battery charges 2.0 kW at 0.100/kWh' }],
      }),
    ]);
    await executor.apply(settings, p, 60_000);
    expect(sent).toEqual([
      ['climate.office', { type: 'set_setpoint', value: 21 }],
      ['select.bat_mode', { type: 'set_mode', mode: 'charge' }],
      ['number.bat_power', { type: 'set_level', level: 50 }],
      // 7.4 kW on 3 × 230 V: 10 A
      ['number.ev_current', { type: 'set_setpoint', value: 10 }],
      ['switch.ev', { type: 'turn_on' }],
      ['switch.tank', { type: 'turn_on' }],
      ['switch.dw', { type: 'turn_on' }],
    ]);
    expect(audit[1]).toMatchObject({
      target: 'select.bat_mode',
      outcome: 'ok',
      detail: expect.stringContaining('Battery charges 2.0 kW'),
    });
    executor.stop();
  });

  it('sends only what changed, never sets a thermostat below the comfort floor, and discharges by share', async () => {
    const { sent, executor } = recorder();
    const p = plan([
      slot(0, {}),
      slot(1, {
        battery: { chargeKw: 0, dischargeKw: 2.5, socKwh: 4 },
        zones: [{ id: 'office', kw: 0, tempC: 19.9, lowC: 20.3, highC: 22.7 }],
      }),
    ]);
    await executor.apply(settings, p, 0);
    const first = sent.length;
    await executor.apply(settings, p, 60_000);
    expect(sent.length).toBe(first);
    await executor.apply(settings, p, SLOT + 1);
    expect(sent.slice(first)).toEqual([
      ['climate.office', { type: 'set_setpoint', value: 20.3 }],
      ['select.bat_mode', { type: 'set_mode', mode: 'discharge' }],
      ['number.bat_power', { type: 'set_level', level: 50 }],
    ]);
    executor.stop();
  });

  it('a zone behind the plan gets the plan’s rise from where it is, not the planned temperature at once', async () => {
    const { sent, executor } = recorder();
    const p = plan([
      slot(0, { zones: [{ id: 'office', kw: 1, tempC: 21.0, lowC: 20.3, highC: 22.7 }] }),
      slot(1, { zones: [{ id: 'office', kw: 1, tempC: 21.4, lowC: 20.3, highC: 22.7 }] }),
    ]);
    // planned 21.0 → 21.4 in slot 1, measured 20.5: set 20.9 (the 0.4 K rise from 20.5)
    await executor.apply(settings, p, SLOT + 1, (id) => (id === 'climate.office' ? 20.5 : null));
    expect(sent[0]).toEqual(['climate.office', { type: 'set_setpoint', value: 20.9 }]);
    // measured below the comfort floor: the floor
    executor.reset();
    await executor.apply(settings, p, SLOT + 2, () => 19.5);
    expect(sent.filter(([id]) => id === 'climate.office').at(-1)?.[1]).toEqual({
      type: 'set_setpoint',
      value: 20.3,
    });
    // ahead of the plan: the planned temperature, not more
    executor.reset();
    await executor.apply(settings, p, SLOT + 3, () => 21.3);
    expect(sent.filter(([id]) => id === 'climate.office').at(-1)?.[1]).toEqual({
      type: 'set_setpoint',
      value: 21.4,
    });
    executor.stop();
  });

  it('runs the tank element for its share of the slot, then switches it off', async () => {
    const { sent, executor } = recorder();
    // 0.3 kW of a 3 kW element: 10 % of the slot; the slot started 89.9 s ago → off 0.1 s from now
    const p = plan([slot(0, { hotWater: { kw: 0.3, tempC: 51 } })]);
    await executor.apply(settings, p, 89_900);
    expect(sent).toContainEqual(['switch.tank', { type: 'turn_on' }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.at(-1)).toEqual(['switch.tank', { type: 'turn_off' }]);
    executor.stop();
  });

  it('a refused command is audited as an error and sent again next time', async () => {
    let offline = true;
    const { sent, audit, executor } = recorder((id) => offline && id === 'switch.ev');
    const p = plan([slot(0, { evKw: 11 })]);
    await executor.apply(settings, p, 0);
    expect(audit.find((a) => a.target === 'switch.ev')).toMatchObject({
      outcome: 'error',
      detail: expect.stringContaining('device offline'),
    });
    expect(executor.lastError).toMatch(/switch.ev: device offline/);
    offline = false;
    await executor.apply(settings, p, 1000);
    expect(sent).toContainEqual(['switch.ev', { type: 'turn_on' }]);
    executor.stop();
  });

  it('outside the plan’s horizon it sends nothing', async () => {
    const { sent, executor } = recorder();
    await executor.apply(settings, plan([slot(0, {})]), 5 * SLOT);
    expect(sent).toEqual([]);
  });
});
