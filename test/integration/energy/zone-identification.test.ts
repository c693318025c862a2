import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTruss, type TestTruss } from '../support/truss-harness.ts';

/**
 * A zone's R and C identified from the core's own telemetry history (the real time-series store),
 * through the API: a week of a simulated room (R 8 K/kW, C 4 kWh/K, a 3 kW heater on a thermostat)
 * written as the history module records samples, then fitted and saved into the zone's settings.
 */
let t: TestTruss;
let admin: string;
const zone = {
  id: 'office',
  name: 'Office',
  thermostatEntity: 'climate.office',
  tempEntity: 'sensor.office_temperature',
  heatPowerEntity: 'sensor.office_heater_power',
  rKPerKw: 20,
  cKwhPerK: 20,
  maxKw: 3,
  copAt7: 1,
  copSlopePerK: 0,
};

beforeAll(async () => {
  t = await startTestTruss();
  admin = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body.result
    .token;
  const energy = (await t.call('energy.settings', {}, admin)).body.result;
  expect(
    (
      await t.call(
        'energy.saveSettings',
        { settings: { ...energy, outdoorTempEntity: 'sensor.outdoor' } },
        admin,
      )
    ).status,
  ).toBe(200);
  const s = (await t.call('plan.settings', {}, admin)).body.result;
  const saved = await t.call(
    'plan.saveSettings',
    {
      settings: {
        ...s,
        mode: 'off',
        zones: [zone, { ...zone, id: 'lab', name: 'Lab', heatPowerEntity: null }],
      },
    },
    admin,
  );
  expect(saved.status).toBe(200);

  // a week at one sample every 5 minutes, ending now
  const history = t.truss.core.use('history');
  const step = 5 * 60_000;
  const n = 7 * 288;
  const start = Date.now() - n * step;
  let temp = 19;
  let on = false;
  for (let k = 0; k < n; k++) {
    const ts = start + k * step;
    const day = k % 288;
    const outdoor = 4 + 5 * Math.sin((k / 288) * 2 * Math.PI);
    const setpoint = day >= 84 && day < 228 ? 21 : 18;
    if (temp < setpoint - 0.3) on = true;
    else if (temp > setpoint + 0.3) on = false;
    history.append(zone.tempEntity, ts, Math.round(temp * 100) / 100);
    history.append('sensor.outdoor', ts, outdoor);
    history.append(zone.heatPowerEntity, ts, on ? 3000 : 0);
    temp += (step / 3_600_000 / 4) * ((outdoor - temp) / 8 + (on ? 3 : 0) + 0.3);
  }
  history.flush();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('identifying a zone from its history', () => {
  it('fits R and C within 15 % and saves them when asked', async () => {
    const r = await t.call('plan.identifyZone', { zoneId: 'office', days: 8, apply: true }, admin);
    expect(r.status).toBe(200);
    const fit = r.body.result;
    expect(fit.pairs).toBeGreaterThan(500);
    expect(fit.rKPerKw).toBeGreaterThan(8 * 0.85);
    expect(fit.rKPerKw).toBeLessThan(8 * 1.15);
    expect(fit.cKwhPerK).toBeGreaterThan(4 * 0.85);
    expect(fit.cKwhPerK).toBeLessThan(4 * 1.15);
    expect(fit.applied).toBe(true);
    const office = (await t.call('plan.settings', {}, admin)).body.result.zones[0];
    expect(office.rKPerKw).toBeCloseTo(fit.rKPerKw, 2);
    expect(office.cKwhPerK).toBeCloseTo(fit.cKwhPerK, 2);
    const audit = (await t.call('audit.list', { limit: 20 }, admin)).body.result;
    expect(audit.find((a: { action: string }) => a.action === 'plan.identifyZone')).toMatchObject({
      actor: 'admin',
      outcome: 'ok',
    });
  });

  it('refuses what it cannot fit, with a reason, and changes nothing', async () => {
    const before = (await t.call('plan.settings', {}, admin)).body.result;
    const noPower = await t.call('plan.identifyZone', { zoneId: 'lab' }, admin);
    expect(noPower.status).toBe(400);
    expect(noPower.body.error.message).toMatch(/no heatPowerEntity/);
    expect((await t.call('plan.identifyZone', { zoneId: 'nowhere' }, admin)).status).toBe(404);
    const tooLong = await t.call('plan.identifyZone', { zoneId: 'office', days: 1000 }, admin);
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body.error.issues)).toMatch(/days/);
    // a fit without `apply` reports and saves nothing
    const look = await t.call('plan.identifyZone', { zoneId: 'office', days: 2 }, admin);
    expect(look.status).toBe(200);
    expect(look.body.result.applied).toBe(false);
    expect((await t.call('plan.settings', {}, admin)).body.result).toEqual(before);
  });
});
