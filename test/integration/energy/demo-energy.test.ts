import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTruss, until, WsProbe, type TestTruss } from '../support/truss-harness.ts';

/**
 * The demo site's energy on real parts: the virtual building's meters (HA discovery, Tasmota and
 * Shelly firmware) through the embedded broker into the energy module, the simulated day-ahead
 * feed on its MQTT topic into the price store, and the figures the Energy page reads over the API.
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

describe('the demo site gets a dynamic tariff, a demand charge, PV and a metering tree', () => {
  it('sets up the tariff, the price feed, the PV array and the tree on first start', async () => {
    const settings = await call('energy.settings');
    expect(settings.tariffId).toBe('demo-dynamic');
    expect(settings.prices).toMatchObject({ series: 'demo-dayahead', topic: 'market/dayahead/de-lu' });
    expect(settings.pv.arrays[0]).toMatchObject({ tiltDeg: 30, azimuthDeg: 180, kWp: 8 });
    expect(settings.outdoorTempEntity).toBeTruthy();
    const { tariff } = await call('energy.tariff', { tariffId: 'demo-dynamic' });
    expect(tariff.versions[0].demandCharges[0].pricePerKw).toBeGreaterThan(0);
    expect(tariff.versions[0].dynamic.series).toBe('demo-dayahead');
    const { tree } = await call('energy.tree');
    expect(tree.site.grid.import).toBeTruthy();
    expect(tree.site.children.find((n: { role: string }) => n.role === 'pv')).toBeTruthy();
  });

  it('receives the day-ahead prices from the simulated feed over the broker', async () => {
    const now = Date.now();
    const prices = await until(
      async () => {
        const r = await call('energy.prices', { from: now - 3_600_000, to: now + 20 * 3_600_000 });
        return r.points.length >= 20 ? r : null;
      },
      15_000,
      'day-ahead prices',
    );
    expect(prices.feed.lastAccepted.source).toMatch(/market\/dayahead\/de-lu from sim-price-feed/);
    // a day's shape: the evening peak costs more than the night
    const overview = await call('energy.overview');
    expect(overview.priceNow.dynamic).toBe(true);
    expect(overview.currency).toBe('EUR');
  });

  it("classifies every family's meters and shows a live balance with the unmetered remainder", async () => {
    const meters: Array<{ entityId: string; meter: { rule: string; quantity: string } }> =
      await call('energy.meters');
    const rules = meters.map((m) => m.meter.rule);
    expect(rules).toEqual(
      expect.arrayContaining(['tasmota ENERGY.Total', 'device_class energy (total_increasing)']),
    );
    expect(meters.filter((m) => m.meter.quantity === 'power').length).toBeGreaterThanOrEqual(3);
    // the Zigbee metering plug (seMetering currentSummDelivered, haElectricalMeasurement activePower)
    // behind the emulated Z-Stack coordinator
    const reg = t.truss.core.use('registry');
    const zigbee = meters.filter(
      (m) => reg.devices.get(reg.entities.get(m.entityId)?.deviceId ?? '')?.adapter === 'zigbee',
    );
    expect(zigbee.map((m) => m.meter.quantity).sort()).toEqual(['energy', 'power']);
    expect(JSON.stringify((await call('energy.tree')).tree)).toContain('kettle-zigbee');
    const health = (await t.call('system.health', {}, token)).body.result;
    expect(health.services.energy.detail).toMatch(/\d+ meters, \d+ readings repaired/);
    const probe = new WsProbe(t.url);
    await probe.opened;
    probe.send({ t: 'hello', token });
    await probe.waitFor((f) => f.t === 'snapshot');
    const evt = await probe.waitFor(
      (f) =>
        f.t === 'evt' &&
        f.evt.type === 'energy.balance' &&
        (f.evt as never as { balance: { tree: { balance: { load: number } } | null } }).balance.tree !== null,
      10_000,
    );
    const tree = (
      evt as unknown as { evt: { balance: { tree: { balance: { load: number }; siteRemainder: number } } } }
    ).evt.balance.tree;
    expect(Number.isFinite(tree.balance.load)).toBe(true);
    expect(Number.isFinite(tree.siteRemainder)).toBe(true);
    probe.close();
  });

  it("computes today's cost from the repaired grid counter", async () => {
    const o = await until(
      async () => {
        const r = await call('energy.overview');
        return r.today && r.today.importKWh > 0 ? r : null;
      },
      30_000,
      "today's cost",
    );
    expect(o.today.total).toBeGreaterThan(0);
    expect(o.period.demand[0].name).toBe('Monthly peak demand');
    expect(o.forecast.assumptions.length).toBeGreaterThan(0);
  }, 40_000);
});
