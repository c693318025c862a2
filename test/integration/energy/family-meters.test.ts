import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';

/**
 * Energy from every family's real traffic, through the real core: devices are MQTT clients with
 * their own broker credentials publishing what the firmware publishes (Tasmota tele/SENSOR,
 * Shelly Gen2 NotifyFullStatus with Switch aenergy/ret_aenergy and Pro 3EM em/emdata, Home
 * Assistant discovery energy/power), the MQTT adapter registers them, the energy module
 * classifies them, repairs the counters (a reset and a spike, logged) and costs what the grid
 * meter counted. Day-ahead prices arrive on a broker topic only from the listed publisher.
 */
let t: TestTruss;
let token: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  t = await startTestTruss();
  token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body.result
    .token;
}, 30_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)));
  await t?.stop();
});

const call = async (method: string, params: unknown = {}) => {
  const r = await t.call(method, params, token);
  if (r.status !== 200) throw new Error(`${method}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.result;
};

async function device(name: string, acl: { publish: string[]; subscribe: string[] }): Promise<MqttClient> {
  const cred = await t.truss.core.use('broker').issueCredential(name, acl);
  const c = await connectAsync(`mqtt://127.0.0.1:${t.truss.core.mqttPort}`, {
    clientId: name,
    username: cred.username,
    password: cred.password,
    reconnectPeriod: 0,
  });
  clients.push(c);
  return c;
}
const pub = (c: MqttClient, topic: string, body: unknown, retain = false) =>
  c.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1, retain });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Meter {
  entityId: string;
  meter: { quantity: string; flow: string; rule: string };
}
const meters = async (): Promise<Meter[]> => call('energy.meters');

describe('meters of every family, as their adapters register them', () => {
  it('classifies Tasmota ENERGY, Shelly Gen2 switch and Pro 3EM, and HA discovery energy/power', async () => {
    // Tasmota: https://tasmota.github.io/docs/Home-Assistant/ (native discovery), tele/<t>/SENSOR
    const mac = 'A4CF121A2B3C';
    const tt = 'tasmota_1A2B3C';
    const tas = await device('tasmota-plug', {
      publish: [`tasmota/discovery/${mac}/#`, `tele/${tt}/#`, `stat/${tt}/#`],
      subscribe: [`cmnd/${tt}/#`],
    });
    const sensor = { ENERGY: { Total: 12.345, Yesterday: 0.5, Today: 0.123, Power: 1850, Voltage: 230 } };
    await pub(
      tas,
      `tasmota/discovery/${mac}/config`,
      {
        dn: 'Kettle plug',
        fn: ['Kettle', null, null, null, null, null, null, null],
        hn: 'tasmota-1A2B3C',
        mac,
        md: 'Sonoff Pow R2',
        ofln: 'Offline',
        onln: 'Online',
        sw: '12.4.0',
        t: tt,
        ft: '%prefix%/%topic%/',
        tp: ['cmnd', 'stat', 'tele'],
        rl: [1, 0, 0, 0, 0, 0, 0, 0],
        lt_st: 0,
        ver: 1,
      },
      true,
    );
    await pub(tas, `tasmota/discovery/${mac}/sensors`, { sn: sensor, ver: 1 }, true);
    await pub(tas, `tele/${tt}/LWT`, 'Online', true);
    // Shelly Plus 1PM: https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch#status
    const sid = 'shellyplus1pm-a8032ab12345';
    const sh = await device(sid, { publish: [`${sid}/#`], subscribe: [`${sid}/rpc`] });
    await pub(sh, `${sid}/online`, 'true', true);
    await pub(sh, `${sid}/events/rpc`, {
      src: sid,
      dst: `${sid}/events`,
      method: 'NotifyFullStatus',
      params: {
        ts: 1654511404.51,
        sys: { mac: 'A8032AB12345', fw_id: '20240625-122245/1.3.3-gbdfd9b3' },
        'switch:0': {
          id: 0,
          output: true,
          apower: 85.2,
          aenergy: { total: 1207.563, by_minute: [0, 0, 0], minute_ts: 1654511400 },
          ret_aenergy: { total: 3.5, by_minute: [0, 0, 0], minute_ts: 1654511400 },
        },
      },
    });
    // Shelly Pro 3EM: https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/EM#status, .../EMData#status
    const eid = 'shellypro3em-c8f09e8a1b2c';
    const em = await device(eid, { publish: [`${eid}/#`], subscribe: [`${eid}/rpc`] });
    await pub(em, `${eid}/online`, 'true', true);
    await pub(em, `${eid}/events/rpc`, {
      src: eid,
      dst: `${eid}/events`,
      method: 'NotifyFullStatus',
      params: {
        sys: { mac: 'C8F09E8A1B2C', fw_id: '20240625-122245/1.3.3-gbdfd9b3' },
        'em:0': { id: 0, a_act_power: 120.1, b_act_power: -40, c_act_power: 300, total_act_power: 380.1 },
        'emdata:0': { id: 0, total_act: 523412.5, total_act_ret: 10451.2 },
      },
    });
    // HA discovery: a bidirectional meter (https://www.home-assistant.io/integrations/sensor.mqtt/)
    const ha = await device('meter-1', {
      publish: ['homeassistant/sensor/meter-1/#', 'meter-1/#'],
      subscribe: [],
    });
    const haDev = { ids: ['meter-1'], name: 'Main meter', mf: 'Acme', mdl: 'M3' };
    for (const [obj, name, cls, unit, sc] of [
      ['import', 'Energy import', 'energy', 'kWh', 'total_increasing'],
      ['export', 'Energy export', 'energy', 'kWh', 'total_increasing'],
      ['power', 'Grid power', 'power', 'W', 'measurement'],
    ] as const)
      await pub(
        ha,
        `homeassistant/sensor/meter-1/${obj}/config`,
        {
          name,
          uniq_id: `m1_${obj}`,
          stat_t: `meter-1/${obj}`,
          dev_cla: cls,
          unit_of_meas: unit,
          stat_cla: sc,
          dev: haDev,
        },
        true,
      );

    const all = await until(
      async () => {
        const m = await meters();
        return m.length >= 10 ? m : null;
      },
      10_000,
      'meters of every family',
    );
    const byRule = (rule: string) => all.filter((m) => m.meter.rule === rule);
    expect(byRule('tasmota ENERGY.Total')).toHaveLength(1);
    expect(byRule('tasmota ENERGY.Today')).toHaveLength(1);
    expect(all.filter((m) => m.meter.rule.includes('Yesterday'))).toHaveLength(0);
    expect(byRule('shelly emdata total_act')[0]?.meter.flow).toBe('import');
    expect(byRule('shelly emdata total_act_ret')[0]?.meter.flow).toBe('export');
    expect(byRule('shelly em signed active power')[0]?.meter.flow).toBe('net');
    const reg = t.truss.core.use('registry');
    const keyOf = (m: Meter) => reg.entities.get(m.entityId)?.key;
    const flows = Object.fromEntries(all.map((m) => [keyOf(m), `${m.meter.quantity}:${m.meter.flow}`]));
    expect(flows).toMatchObject({
      'switch:0/energy': 'energy:import',
      'switch:0/ret_energy': 'energy:export',
      'switch:0/power': 'power:import',
      'ENERGY.Power': 'power:import',
      m1_import: 'energy:import',
      m1_export: 'energy:export',
    });
  }, 20_000);
});

describe('counters repaired and costed through the core', () => {
  it('a meter reset and a spike are repaired, logged (with CSV), and the cost counts only real energy', async () => {
    const reg = t.truss.core.use('registry');
    const id = (key: string) => [...reg.entities.values()].find((e) => e.key === key)!.id;
    const ha = clients.find((c) => c.options.clientId === 'meter-1')!;
    await call('energy.saveTariff', {
      tariff: {
        id: 'flat',
        name: 'Flat',
        currency: 'EUR',
        versions: [
          {
            validFrom: '2020-01-01',
            seasons: [
              {
                name: 'Year',
                from: '01-01',
                to: '12-31',
                bands: [
                  {
                    name: 'All',
                    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday'],
                    from: '00:00',
                    to: '00:00',
                    importPrice: 0.3,
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    const settings = await call('energy.settings');
    await call('energy.saveSettings', { settings: { ...settings, tariffId: 'flat' } });
    await call('energy.saveTree', {
      tree: {
        site: {
          name: 'Test site',
          grid: { import: id('m1_import'), export: id('m1_export'), power: id('m1_power') },
          children: [
            {
              id: 'kettle',
              name: 'Kettle',
              kind: 'device',
              meter: { import: id('ENERGY.Total'), power: id('ENERGY.Power') },
            },
          ],
        },
      },
    });
    // 0.0005 kWh every 150 ms is 12 kW: plausible on a 43.5 kW connection
    let v = 100;
    let counted = 0;
    const send = async (x: number) => {
      await pub(ha, 'meter-1/import', x.toFixed(4));
      await sleep(150);
    };
    await pub(ha, 'meter-1/export', '5.0000');
    for (let i = 0; i < 8; i++) {
      v += 0.0005;
      counted += i === 0 ? 0 : 0.0005;
      await send(v);
    }
    await send(5000); // a spike: implausible, and the next reading is back on the line
    for (let i = 0; i < 4; i++) {
      v += 0.0005;
      counted += 0.0005;
      await send(v);
    }
    // a reset: the meter restarts from zero and keeps counting
    v = 0;
    await send(v);
    for (let i = 0; i < 6; i++) {
      v += 0.0005;
      counted += 0.0005;
      await send(v);
    }
    const corrections = await until(
      async () => {
        const c: Array<{ rule: string; meterId: string; detail: string }> = await call('energy.corrections', {
          meterId: id('m1_import'),
        });
        return c.some((x) => x.rule === 'spike') && c.some((x) => x.rule === 'reset') ? c : null;
      },
      15_000,
      'spike and reset corrections',
    );
    expect(corrections.every((c) => c.meterId === id('m1_import'))).toBe(true);
    const csv: { text: string } = await call('energy.correctionsCsv', { meterId: id('m1_import') });
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^meter,reading_time,logged_time,rule,/);
    expect(lines.some((l) => l.includes(',spike,') && l.includes('5000'))).toBe(true);
    expect(lines.some((l) => l.includes(',reset,'))).toBe(true);

    const now = Date.now();
    const costs: { lines: Array<{ importKWh: number; total: number }> } = await call('energy.costs', {
      from: now - 3_600_000,
      to: now + 60_000,
      by: 'hour',
    });
    const kWh = costs.lines.reduce((s, l) => s + l.importKWh, 0);
    // the spike (4900 kWh) is not energy; the reset's fall is not negative energy
    expect(kWh).toBeGreaterThan(counted - 0.0011);
    expect(kWh).toBeLessThan(counted + 0.0011);
    const total = costs.lines.reduce((s, l) => s + l.total, 0);
    expect(total).toBeCloseTo(kWh * 0.3, 6);
  }, 40_000);
});

describe('day-ahead prices on a broker topic', () => {
  const topic = 'prices/dayahead';
  const hour = 3_600_000;
  const payload = (start: number, price: number) =>
    JSON.stringify({
      unit: 'EUR/MWh',
      prices: [0, 1, 2].map((i) => ({
        start: new Date(start + i * hour).toISOString(),
        end: new Date(start + (i + 1) * hour).toISOString(),
        price: price + i,
      })),
    });
  const start = Math.floor(Date.now() / hour) * hour;
  const feed = async () => (await call('energy.prices', { from: start, to: start + 3 * hour })).feed;
  const points = async () => (await call('energy.prices', { from: start, to: start + 3 * hour })).points;

  beforeAll(async () => {
    const s = await call('energy.settings');
    await call('energy.saveSettings', {
      settings: { ...s, prices: { series: 'spot', topic, publishers: ['price-gw'] } },
    });
    await sleep(5_500); // the module follows the configured topic within 5 s
  }, 10_000);

  it('takes prices from the listed publisher', async () => {
    const gw = await device('price-gw', { publish: [topic], subscribe: [] });
    await pub(gw, topic, payload(start, 80), true);
    const f = await until(async () => ((await feed()).lastAccepted ? feed() : null), 5000, 'accepted');
    expect(f.lastAccepted.source).toContain('from price-gw');
    expect((await points()).map((p: { price: number }) => p.price)).toEqual([0.08, 0.081, 0.082]);
  });

  it('refuses bad payloads with a reason, keeps the stored prices and stays up', async () => {
    const gw = clients.find((c) => c.options.clientId === 'price-gw')!;
    const bad = [
      'not json {',
      JSON.stringify({ unit: 'EUR/MWh', prices: [{ start: 'yesterday', end: 'today', price: 'NaN' }] }),
      JSON.stringify({ unit: 'EUR/MWh', prices: [{ start: start, end: start + hour, price: -1e9 }] }),
      '['.repeat(5000) + ']'.repeat(5000),
    ];
    for (const b of bad) {
      const before = (await feed()).lastRefused?.at ?? 0;
      await pub(gw, topic, b);
      const f = await until(
        async () => {
          const x = await feed();
          return x.lastRefused && x.lastRefused.at > before ? x : null;
        },
        5000,
        `refusal of ${b.slice(0, 20)}`,
      );
      expect(f.lastRefused.reason.length).toBeGreaterThan(3);
    }
    expect((await points()).map((p: { price: number }) => p.price)).toEqual([0.08, 0.081, 0.082]);
    const health = (await t.call('system.health', {}, token)).body.result;
    expect(health.services.energy.status).not.toBe('down');
  }, 30_000);

  it('refuses prices from a client the broker lets publish but the settings do not list', async () => {
    const intruder = await device('intruder', { publish: [topic], subscribe: [] });
    await pub(intruder, topic, payload(start, 999));
    const f = await until(
      async () => {
        const x = await feed();
        return x.lastRefused?.source.includes('intruder') ? x : null;
      },
      5000,
      'intruder refused',
    );
    expect(f.lastRefused.reason).toMatch(/not a listed price publisher/);
    expect((await points())[0].price).toBe(0.08);
  });

  it('never sees prices from a client the broker ACL does not allow on the topic', async () => {
    const stranger = await device('stranger', { publish: ['stranger/#'], subscribe: [] });
    const before = await feed();
    await pub(stranger, topic, payload(start, 555)).catch(() => undefined);
    await sleep(1000);
    const after = await feed();
    expect(after.lastRefused).toEqual(before.lastRefused);
    expect(after.lastAccepted).toEqual(before.lastAccepted);
    expect((await points())[0].price).toBe(0.08);
  });
});
