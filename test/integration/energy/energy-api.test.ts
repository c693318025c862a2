import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTruss, type TestTruss } from '../support/truss-harness.ts';

/**
 * The energy API against hostile and malformed input, through the real headless server: every bad
 * request is a 400 (or 403/409) with a message and the field's path, and changes nothing.
 */
let t: TestTruss;
let admin: string;
let viewer: string;

const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday'];
const tariff = (over: Record<string, unknown> = {}, band: Record<string, unknown> = {}) => ({
  id: 'tou',
  name: 'Time of use',
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
            { name: 'Day', days: ALL_DAYS, from: '07:00', to: '22:00', importPrice: 0.35, ...band },
            { name: 'Night', days: ALL_DAYS, from: '22:00', to: '07:00', importPrice: 0.22 },
          ],
        },
      ],
      demandCharges: [{ name: 'Peak', pricePerKw: 9 }],
      dynamic: { series: 'spot' },
    },
  ],
  ...over,
});

beforeAll(async () => {
  t = await startTestTruss();
  admin = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body.result
    .token;
  await t.call('user.create', { username: 'vera', password: 'viewer password', role: 'viewer' }, admin);
  viewer = (await t.call('auth.login', { username: 'vera', password: 'viewer password' })).body.result.token;
}, 30_000);
afterAll(async () => {
  await t?.stop();
});

describe('tariffs', () => {
  it('saves a tariff, keeps its revisions, and exports/imports it as a file', async () => {
    expect((await t.call('energy.saveTariff', { tariff: tariff() }, admin)).status).toBe(200);
    const renamed = await t.call('energy.saveTariff', { tariff: tariff({ name: 'Renamed' }) }, admin);
    expect(renamed.status).toBe(200);
    const revs = (await t.call('energy.tariffRevisions', { tariffId: 'tou' }, viewer)).body.result.revisions;
    expect(revs).toHaveLength(1);
    expect(revs[0]).toMatchObject({ actor: 'admin', tariff: { name: 'Time of use' } });
    const file = (await t.call('energy.exportTariff', { tariffId: 'tou' }, viewer)).body.result;
    expect(JSON.parse(file.text)).toMatchObject({
      format: 'truss.tariff',
      formatVersion: 1,
      name: 'Renamed',
    });
    const again = await t.call(
      'energy.importTariff',
      { text: file.text.replace('Renamed', 'Imported') },
      admin,
    );
    expect(again.status).toBe(200);
    expect(again.body.result.tariff.name).toBe('Imported');
  });

  it('refuses an invalid band with the field path, and changes nothing', async () => {
    const r = await t.call('energy.saveTariff', { tariff: tariff({}, { from: '25:00' }) }, admin);
    expect(r.status).toBe(400);
    expect(r.body.error.issues.map((i: { path: string }) => i.path)).toContain(
      'tariff.versions.0.seasons.0.bands.0.from',
    );
    const gap = await t.call('energy.saveTariff', { tariff: tariff({}, { to: '21:00' }) }, admin);
    expect(gap.status).toBe(400);
    expect(JSON.stringify(gap.body.error.issues)).toMatch(/21:00-22:00 has no band/);
    const now = (await t.call('energy.tariff', { tariffId: 'tou' }, admin)).body.result.tariff;
    expect(now.name).toBe('Imported');
  });

  it('refuses bad tariff files: not JSON, a newer format, another file type', async () => {
    for (const [text, msg] of [
      ['{"id": ', /not JSON/],
      [JSON.stringify({ ...tariff(), formatVersion: 9 }), /format 9/],
      [JSON.stringify({ format: 'truss.rules' }), /not a Truss tariff/],
      ['[1,2,3]', /expected a JSON object/],
    ] as const) {
      const r = await t.call('energy.importTariff', { text }, admin);
      expect(r.status, text.slice(0, 20)).toBe(400);
      expect(r.body.error.message).toMatch(msg);
    }
  });

  it('refuses deep and huge payloads without falling over', async () => {
    const deep = JSON.parse('['.repeat(2000) + ']'.repeat(2000));
    const r = await t.call('energy.saveTariff', { tariff: { ...tariff(), versions: deep } }, admin);
    expect(r.status).toBe(400);
    // under the API's 6 MB frame limit, over a tariff file's 2 MB
    const huge = await t.call('energy.importTariff', { text: ' '.repeat(3_000_000) + '{}' }, admin);
    expect(huge.status).toBe(400);
    expect(huge.body.error.message).toMatch(/larger than 2 MB/);
    expect((await t.call('energy.tariffs', {}, admin)).status).toBe(200);
  });

  it('never re-prices billed history: a version in force cannot change', async () => {
    const bad = tariff({ name: 'Imported' }, { importPrice: 0.99 });
    const r = await t.call('energy.saveTariff', { tariff: bad }, admin);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/cannot change: add a version/);
  });

  it('lets viewers read but not write', async () => {
    expect((await t.call('energy.overview', {}, viewer)).status).toBe(200);
    const r = await t.call('energy.saveTariff', { tariff: tariff({ id: 'other' }) }, viewer);
    expect(r.status).toBe(403);
  });
});

describe('price files', () => {
  const csv = (rows: string[]) => ['"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]"', ...rows].join('\r\n');
  const row = (h: number, p: string) =>
    `"15.01.2024 ${String(h).padStart(2, '0')}:00 - 15.01.2024 ${String(h + 1).padStart(2, '0')}:00","${p}"`;

  it('needs a price series first', async () => {
    const r = await t.call('energy.uploadPrices', { fileName: 'p.csv', text: csv([row(0, '80')]) }, admin);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/price series/);
  });

  it('imports an ENTSO-E export and refuses a bad one with the row', async () => {
    const s = (await t.call('energy.settings', {}, admin)).body.result;
    await t.call(
      'energy.saveSettings',
      { settings: { ...s, tariffId: 'tou', prices: { series: 'spot' } } },
      admin,
    );
    const ok = await t.call(
      'energy.uploadPrices',
      { fileName: 'prices.csv', text: csv(Array.from({ length: 24 }, (_, h) => row(h, String(60 + h)))) },
      admin,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({ format: 'entsoe-csv', count: 24 });
    const bad = await t.call(
      'energy.uploadPrices',
      { fileName: 'bad.csv', text: csv([row(0, '80'), row(1, 'abc'), row(2, '81')]) },
      admin,
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toMatch(/row 3/);
    const notPrices = await t.call('energy.uploadPrices', { fileName: 'x.csv', text: 'a,b\n1,2' }, admin);
    expect(notPrices.status).toBe(400);
    const points = (
      await t.call(
        'energy.prices',
        { from: Date.parse('2024-01-14T23:00Z'), to: Date.parse('2024-01-15T23:00Z') },
        admin,
      )
    ).body.result.points;
    expect(points).toHaveLength(24);
    expect(points[0].price).toBeCloseTo(0.06, 9);
  });
});

describe('the metering tree', () => {
  it('refuses an invalid tree with the path, and a PV placed under a zone', async () => {
    const r = await t.call('energy.importTree', { text: '{"site": {"name": "x", "grid": {}}}' }, admin);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.error)).toMatch(/grid/);
    const pv = await t.call(
      'energy.saveTree',
      {
        tree: {
          site: {
            name: 'S',
            grid: { import: 'a' },
            children: [
              {
                id: 'z',
                name: 'Zone',
                kind: 'zone',
                children: [{ id: 'pv', name: 'PV', kind: 'device', role: 'pv', meter: { export: 'b' } }],
              },
            ],
          },
        },
      },
      admin,
    );
    expect(pv.status).toBe(400);
    expect(JSON.stringify(pv.body.error)).toMatch(/place it directly under the site/);
    expect((await t.call('energy.tree', {}, admin)).body.result.tree).toBeNull();
  });
});
