import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSite } from '../../../adapters/sim/building/site.ts';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';

/**
 * The demo site's planner out of the box: every heated room of the virtual building is a zone
 * behind its thermostat with the room's own thermal parameters, planned in advise mode (nothing
 * commanded) from the demo's day-ahead prices and forecasts.
 */
let t: TestTruss;
let token: string;

beforeAll(async () => {
  t = await startTestTruss({ demo: true, tickMs: 200 });
  token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body.result
    .token;
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const call = async (method: string, params: unknown = {}) => {
  const r = await t.call(method, params, token);
  if (r.status !== 200) throw new Error(`${method}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.result;
};

describe('the demo planner', () => {
  it('has the heated rooms as zones with their thermostats and thermal parameters, in advise mode', async () => {
    const settings = await until(
      async () => {
        const s = await call('plan.settings');
        return s.zones.length > 0 ? s : null;
      },
      20_000,
      'the demo planner settings',
    );
    expect(settings.mode).toBe('advise');
    const snap = await call('site.snapshot');
    const climate = new Set(
      snap.entities.filter((e: { kind: string }) => e.kind === 'climate').map((e: { id: string }) => e.id),
    );
    // the virtual building's heated rooms (other climate devices, such as the Zigbee TRV, are not
    // part of the demo's plan)
    const heated = defaultSite().rooms.filter((r) => r.heaterW > 0);
    expect(settings.zones.map((z: { name: string }) => z.name)).toEqual(heated.map((r) => r.name));
    for (const z of settings.zones) {
      expect(climate.has(z.thermostatEntity)).toBe(true);
      // 10 h time constant in the sim: R·C = 10 h
      expect(z.rKPerKw * z.cKwhPerK).toBeCloseTo(10, 6);
      expect(z.copAt7).toBe(1);
    }
  });

  it('plans them once the forecasts are in, explains the slots, and commands nothing', async () => {
    const { plan, status } = await until(
      async () => {
        const r = await call('plan.replan');
        return r.plan ? r : null;
      },
      40_000,
      'a demo plan',
    );
    expect(status.mode).toBe('advise');
    expect(plan.status).toBe('optimal');
    expect(plan.slots[0].zones.length).toBeGreaterThan(0);
    expect(plan.slots.some((s: { reasons: unknown[] }) => s.reasons.length > 0)).toBe(true);
    const audit = await call('audit.list', { limit: 200 });
    expect(audit.filter((a: { action: string }) => a.action === 'plan.command')).toEqual([]);
    expect((await call('system.health')).services.planner.status).toBe('ok');
  });
});
