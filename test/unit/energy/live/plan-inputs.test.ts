import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PvSystem } from '../../../../shared/energy/forecast.ts';
import { EnergySettings } from '../../../../shared/energy/site.ts';
import { Tariff } from '../../../../shared/energy/tariff.ts';
import { ForecastStore } from '../../../../main/core/energy/forecast/accuracy-store.ts';
import { pvPowerW } from '../../../../main/core/energy/forecast/pv.ts';
import { EnergyRepo } from '../../../../main/core/energy/live/energy-repo.ts';
import { EnergyService } from '../../../../main/core/energy/live/energy-service.ts';
import { ForecastService } from '../../../../main/core/energy/live/forecast-service.ts';
import { LiveMetering } from '../../../../main/core/energy/live/live-metering.ts';
import { ReadingStore } from '../../../../main/core/energy/live/reading-store.ts';
import { TariffService } from '../../../../main/core/energy/live/tariff-service.ts';
import { MeterRepairStore } from '../../../../main/core/energy/metering/repair-store.ts';
import { PriceStore } from '../../../../main/core/energy/tariffs/dynamic/price-store.ts';
import { openTimeSeriesStore } from '../../../../main/core/history/store.ts';
import type { TimeSeriesStore } from '../../../../main/core/history/types.ts';
import { silentLogger } from '../../../../main/core/log/logger.ts';
import type { PlanInputs } from '../../../../main/core/energy/plan-inputs.ts';
import { openDatabase, type TrussDatabase } from '../../../../main/core/storage/database.ts';
import { getRxStorageNodeSqlite } from '../../../../main/core/storage/sqlite-rxstorage/index.ts';

/**
 * The energy module's PlanInputs from a week of a synthetic site's repaired meters and outdoor
 * temperature, in the real stores: PV learnt from production that runs at 80 % of the clear-sky
 * model, a load of 600 W at night and 1800 W by day, a demand charge on the month's peak.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.parse('2024-06-12T10:00:00Z'); // a Wednesday, 12:00 in Berlin
const SITE = { lat: 50.11, lon: 8.68, timezone: 'Europe/Berlin' };
const PV = { arrays: [{ name: 'Roof', tiltDeg: 30, azimuthDeg: 180, kWp: 8 }], inverterKw: null };
const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday'] as const;

let dir: string;
let db: TrussDatabase;
let history: TimeSeriesStore;
let energy: EnergyService;
let forecasts: ForecastService;
let closers: Array<() => unknown> = [];

const loadW = (ts: number) => {
  const h = new Date(ts + 2 * HOUR).getUTCHours(); // CEST
  return h >= 7 && h < 19 ? 1800 : 600;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'energy-plan-'));
  const file = join(dir, 'truss.db');
  db = await openDatabase(getRxStorageNodeSqlite({ databaseFile: file }));
  history = openTimeSeriesStore({ file, now: () => NOW });
  const repo = new EnergyRepo(db.energy, () => NOW);
  await repo.load();
  const repair = new MeterRepairStore(file, () => NOW);
  const readings = new ReadingStore(file);
  const prices = new PriceStore(file);
  const store = new ForecastStore(file);
  closers = [() => repair.close(), () => readings.close(), () => prices.close(), () => store.close()];
  const log = silentLogger();
  const tariffs = new TariffService({ repo, prices, log, now: () => NOW, timezone: SITE.timezone });
  forecasts = new ForecastService({
    store,
    readings,
    history,
    inputs: () => ({ settings: repo.settings, tree: repo.tree, site: SITE }),
  });
  energy = new EnergyService({
    repo,
    metering: new LiveMetering({ repair, readings, log, maxPowerW: () => 43_500 }),
    tariffs,
    forecasts,
    repair,
    readings,
    now: () => NOW,
    site: SITE,
  });
  await tariffs.save(
    Tariff.parse({
      id: 't',
      name: 'T',
      currency: 'EUR',
      versions: [
        {
          validFrom: '2024-01-01',
          seasons: [
            {
              name: 'Y',
              from: '01-01',
              to: '12-31',
              bands: [
                { name: 'Day', days: [...ALL], from: '07:00', to: '22:00', importPrice: 0.3 },
                { name: 'Night', days: [...ALL], from: '22:00', to: '07:00', importPrice: 0.2 },
              ],
            },
          ],
          exportPrice: 0.08,
          demandCharges: [{ name: 'Peak', pricePerKw: 10 }],
        },
      ],
    }),
    'test',
  );
  await energy.saveSettings(
    EnergySettings.parse({
      tariffId: 't',
      pv: PV,
      outdoorTempEntity: 'outdoor',
      gridLimits: { importW: 30_000, exportW: 8_000 },
    }),
  );
  await energy.saveTree({
    format: 'truss.metering-tree',
    formatVersion: 1,
    site: {
      name: 'S',
      grid: { import: 'g-in', export: 'g-out' },
      children: [
        {
          id: 'pv',
          name: 'PV',
          kind: 'submeter',
          role: 'pv',
          zoneId: null,
          deviceId: null,
          meter: { export: 'pv' },
          children: [],
        },
      ],
    },
  });
  // eight days of 5-minute repaired readings; an evening spike of 9 kW on 3 June sets the month's peak
  const start = NOW - 8 * DAY;
  const totals = { in: 0, out: 0, pv: 0 };
  const rows: Record<string, Array<{ ts: number; totalKWh: number; afterGap: boolean }>> = {
    'g-in': [],
    'g-out': [],
    pv: [],
  };
  for (let ts = start; ts <= NOW; ts += 5 * MIN) {
    const pvW = 0.8 * pvPowerW(PvSystem.parse(PV), SITE, ts);
    const net = loadW(ts) - pvW;
    totals.in += (Math.max(0, net) * 5 * MIN) / 3.6e9;
    totals.out += (Math.max(0, -net) * 5 * MIN) / 3.6e9;
    totals.pv += (pvW * 5 * MIN) / 3.6e9;
    rows['g-in']!.push({ ts, totalKWh: totals.in, afterGap: false });
    rows['g-out']!.push({ ts, totalKWh: totals.out, afterGap: false });
    rows.pv!.push({ ts, totalKWh: totals.pv, afterGap: false });
    const h = new Date(ts).getUTCHours();
    history.append('outdoor', ts, 15 + 6 * Math.sin(((h - 9) / 24) * 2 * Math.PI));
  }
  // the peak: 9 kW over one quarter hour, three days ago at night
  const peakAt = Date.parse('2024-06-09T20:00:00Z'); // 22:00 local: no PV
  let extra = 0;
  for (const r of rows['g-in']!) {
    if (r.ts > peakAt && r.ts <= peakAt + 15 * MIN) extra += ((9000 - loadW(r.ts)) * 5 * MIN) / 3.6e9;
    r.totalKWh += extra;
  }
  for (const [id, list] of Object.entries(rows)) readings.add(id, list);
  history.flush();
  forecasts.refit(NOW);
}, 60_000);

afterAll(async () => {
  for (const c of closers) c();
  history.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const slots = (from: number, n: number, ms = 15 * MIN) => Array.from({ length: n }, (_, i) => from + i * ms);

describe('PlanInputs from the live module', () => {
  const inputs = (): PlanInputs => energy;

  it('prices per slot from the tariff (bands, levies none, VAT none here)', () => {
    const s = slots(Date.parse('2024-06-12T19:00:00Z'), 8); // 21:00-23:00 local
    const p = inputs().prices(s, 15 * MIN);
    expect(p.importPerKwh.slice(0, 4)).toEqual([0.3, 0.3, 0.3, 0.3]);
    expect(p.importPerKwh.slice(4)).toEqual([0.2, 0.2, 0.2, 0.2]);
    expect(p.exportPerKwh.every((x) => x === 0.08)).toBe(true);
  });

  it("the demand charge: the month's 9 kW peak so far, and the period's end", () => {
    const d = inputs().demandCharge(NOW)!;
    expect(d.pricePerKw).toBe(10);
    expect(d.peakSoFarKw).toBeGreaterThan(8.9);
    expect(d.peakSoFarKw).toBeLessThan(9.1);
    expect(d.periodEnd).toBe(Date.parse('2024-06-30T22:00:00Z'));
  });

  it('PV corrected by measured production: about 80 % of the clear-sky model at noon', () => {
    const noon = Date.parse('2024-06-13T11:00:00Z');
    const [w] = inputs().pvForecastW([noon], HOUR);
    const clear = pvPowerW(PvSystem.parse(PV), SITE, noon + HOUR / 2);
    expect(w! / clear).toBeGreaterThan(0.7);
    expect(w! / clear).toBeLessThan(0.9);
    expect(inputs().pvForecastW([Date.parse('2024-06-13T00:00:00Z')], HOUR)[0]).toBe(0);
  });

  it('base load from the metered history: day and night levels by local hour', () => {
    const [day, night] = [Date.parse('2024-06-13T10:00:00Z'), Date.parse('2024-06-13T01:00:00Z')];
    const [d] = inputs().baseLoadForecastW([day], HOUR);
    const [n] = inputs().baseLoadForecastW([night], HOUR);
    expect(d).toBeGreaterThan(1600);
    expect(d).toBeLessThan(2000);
    expect(n).toBeGreaterThan(500);
    expect(n).toBeLessThan(700);
  });

  it('outdoor temperature from its history, and the grid limits as set', () => {
    const t = inputs().outdoorTempForecastC(slots(NOW, 96), 15 * MIN);
    expect(Math.min(...t)).toBeGreaterThan(8);
    expect(Math.max(...t)).toBeLessThan(22);
    expect(inputs().gridLimits()).toEqual({ importW: 30_000, exportW: 8_000 });
    expect(inputs().timezone()).toBe('Europe/Berlin');
  });

  it('issued forecasts are recorded and judged against the actuals (MAE and bias)', () => {
    forecasts.issue(NOW - DAY);
    forecasts.recordActuals(NOW);
    const acc = energy.accuracy(NOW);
    const pv = acc.find((a) => a.kind === 'pv')!;
    expect(pv.last7.n).toBeGreaterThan(50);
    // the forecast and the measured production follow the same corrected model
    expect(Math.abs(pv.last7.bias!)).toBeLessThan(0.1 * pv.last7.meanActual!);
    const load = acc.find((a) => a.kind === 'load' && a.target === 'site')!;
    expect(load.last7.n).toBeGreaterThan(50);
    expect(load.last7.mae!).toBeLessThan(300);
    expect(acc.find((a) => a.kind === 'temperature')!.last7.n).toBeGreaterThan(50);
  });
});
