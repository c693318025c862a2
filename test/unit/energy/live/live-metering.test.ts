import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entity } from '../../../../shared/domain/entity.ts';
import type { MeteringTree } from '../../../../shared/energy/metering.ts';
import { silentLogger } from '../../../../main/core/log/logger.ts';
import { MeterRepairStore } from '../../../../main/core/energy/metering/repair-store.ts';
import { LiveMetering, POWER_STALE_MS } from '../../../../main/core/energy/live/live-metering.ts';
import { coveredEnergy, gridIntervals } from '../../../../main/core/energy/live/metered-energy.ts';
import { ReadingStore } from '../../../../main/core/energy/live/reading-store.ts';

let dir: string;
let repair: MeterRepairStore;
let readings: ReadingStore;
let live: LiveMetering;
const T0 = Date.parse('2024-03-04T10:00:00Z');

const entity = (id: string, over: Partial<Entity>): Entity => ({
  id,
  deviceId: `dev-${id}`,
  key: id,
  name: id,
  kind: 'sensor',
  deviceClass: null,
  unit: null,
  writable: false,
  attributes: {},
  createdAt: 0,
  ...over,
});
const state = (value: unknown, ts: number) => ({
  value: value as number,
  ts,
  source: 'test',
  quality: 'good' as const,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'energy-live-'));
  const file = join(dir, 'truss.db');
  repair = new MeterRepairStore(file, () => T0);
  readings = new ReadingStore(file);
  live = new LiveMetering({ repair, readings, log: silentLogger(), maxPowerW: () => 43_500 });
  live.entityChanged(entity('grid-in', { deviceClass: 'energy', unit: 'kWh', name: 'Energy import' }));
  live.entityChanged(entity('grid-out', { deviceClass: 'energy', unit: 'kWh', name: 'Energy export' }));
  live.entityChanged(entity('grid-w', { key: 'em:0/power', deviceClass: 'power', unit: 'W' }));
  live.entityChanged(entity('kettle-wh', { key: 'ENERGY.Total', deviceClass: 'energy', unit: 'Wh' }));
  live.entityChanged(entity('temp', { deviceClass: 'temperature', unit: '°C' }));
});
afterEach(() => {
  repair.close();
  readings.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live metering', () => {
  it('tracks only energy and power entities', () => {
    expect(
      live
        .meters()
        .map((m) => m.entityId)
        .sort(),
    ).toEqual(['grid-in', 'grid-out', 'grid-w', 'kettle-wh']);
    live.entityRemoved('grid-w');
    expect(live.meter('grid-w')).toBeUndefined();
  });

  it('repairs counters in batches: a reset is counted from zero, NaN and garbage are logged and dropped', () => {
    const values: unknown[] = [10, 10.1, 10.2, Number.NaN, 'garbage', 0, 0.1, 0.2, 0.3];
    values.forEach((v, i) => live.stateChanged('grid-in', state(v, T0 + i * 60_000)));
    live.flush();
    const latest = readings.latest('grid-in')!;
    // 10 -> 10.2 (0.2), reset to 0 then 0.3 (0.3): 0.5 kWh counted in all
    expect(latest.totalKWh - 10).toBeCloseTo(0.5, 9);
    const rules = repair.corrections({ meterId: 'grid-in' }).map((c) => c.rule);
    expect(rules).toEqual(expect.arrayContaining(['reset', 'non-finite']));
    expect(live.stats.corrections).toBeGreaterThanOrEqual(3);
  });

  it('a negative counter reading is a fall like any other: logged, never negative energy', () => {
    [5, 5.1, -3, 5.2, 5.3].forEach((v, i) => live.stateChanged('grid-in', state(v, T0 + i * 60_000)));
    live.flush();
    expect(readings.latest('grid-in')!.totalKWh - 5).toBeGreaterThanOrEqual(0);
    expect(readings.latest('grid-in')!.totalKWh - 5).toBeCloseTo(0.3, 6);
    expect(repair.corrections({ meterId: 'grid-in' }).length).toBeGreaterThan(0);
  });

  it('reads a Wh counter in Wh (Tasmota totals can be configured so)', () => {
    [1000, 1500, 2000].forEach((v, i) => live.stateChanged('kettle-wh', state(v, T0 + i * 600_000)));
    live.flush();
    expect(readings.latest('kettle-wh')!.totalKWh).toBeCloseTo(2, 9);
  });

  it('cuts a flood of readings between flushes and counts what it dropped', () => {
    for (let i = 0; i < 2_100; i++) live.stateChanged('grid-in', state(1 + i * 1e-6, T0 + i * 10));
    expect(live.stats.dropped).toBe(100);
    live.flush();
    expect(live.stats.readings).toBe(2_000);
  });

  it('keeps power for the live balance until it is stale; signed grid power splits into import and export', () => {
    const tree: MeteringTree = {
      format: 'truss.metering-tree',
      formatVersion: 1,
      site: { name: 'S', grid: { import: 'grid-in', power: 'grid-w' }, children: [] },
    };
    live.stateChanged('grid-w', state(-1200, T0));
    expect(live.liveTree(tree, T0 + 1000).balance).toMatchObject({ gridImport: 0, gridExport: 1200 });
    live.stateChanged('grid-w', state(800, T0 + 2000));
    expect(live.liveTree(tree, T0 + 3000).balance).toMatchObject({ gridImport: 800, gridExport: 0 });
    expect(live.powerW('grid-w', T0 + 2000 + POWER_STALE_MS + 1)).toBeNull();
    expect(live.liveTree(tree, T0 + 2000 + POWER_STALE_MS + 1).flags.join()).toMatch(/no data from grid-w/);
  });
});

describe('repaired readings and grid intervals', () => {
  it('stores a reading a minute per meter and always serves the latest', () => {
    readings.add(
      'm',
      Array.from({ length: 31 }, (_, i) => ({ ts: T0 + i * 10_000, totalKWh: i * 0.01, afterGap: false })),
    );
    const r = readings.readings('m', T0, T0 + 400_000);
    // stored at 0, 60, 120, 180, 240, 300 s; the latest (300 s) is also the last stored
    expect(r.map((x) => (x.ts - T0) / 1000)).toEqual([0, 60, 120, 180, 240, 300]);
    readings.add('m', [{ ts: T0 + 310_000, totalKWh: 0.31, afterGap: false }]);
    expect(readings.readings('m', T0 + 200_000, T0 + 400_000).map((x) => (x.ts - T0) / 1000)).toEqual([
      180, 240, 300, 310,
    ]);
  });

  it('clips the quarter hours where a meter starts and stops reporting to its readings', () => {
    const r = [
      { ts: T0 + 7 * 60_000, totalKWh: 1, afterGap: false },
      { ts: T0 + 22 * 60_000, totalKWh: 2.5, afterGap: false },
    ];
    const q = coveredEnergy(r, T0, T0 + 30 * 60_000, 900_000);
    expect(q.map((x) => [(x.start - T0) / 60_000, (x.end - T0) / 60_000])).toEqual([
      [7, 15],
      [15, 22],
    ]);
    expect(q[0]!.kWh! + q[1]!.kWh!).toBeCloseTo(1.5, 9);
  });

  it('builds the cost engine intervals from the grid counters, export on the same bounds', () => {
    const tree: MeteringTree = {
      format: 'truss.metering-tree',
      formatVersion: 1,
      site: { name: 'S', grid: { import: 'in', export: 'out' }, children: [] },
    };
    readings.add(
      'in',
      [0, 15, 30].map((m, i) => ({ ts: T0 + m * 60_000, totalKWh: 100 + i, afterGap: false })),
    );
    readings.add(
      'out',
      [0, 15, 30].map((m, i) => ({ ts: T0 + m * 60_000, totalKWh: 5 + i * 0.5, afterGap: false })),
    );
    const { intervals, missing } = gridIntervals(tree, readings, T0, T0 + 30 * 60_000);
    expect(missing).toBe(0);
    expect(intervals).toEqual([
      { start: T0, end: T0 + 900_000, importKWh: 1, exportKWh: 0.5 },
      { start: T0 + 900_000, end: T0 + 1_800_000, importKWh: 1, exportKWh: 0.5 },
    ]);
  });
});
