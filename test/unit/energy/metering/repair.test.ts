import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { intervalEnergy, energyFromPower } from '../../../../main/core/energy/metering/intervals.ts';
import {
  type CounterConfig,
  CounterRepair,
  type RawReading,
} from '../../../../main/core/energy/metering/repair.ts';
import { MeterRepairStore } from '../../../../main/core/energy/metering/repair-store.ts';

const MIN = 60_000;
const T0 = Date.parse('2024-03-01T00:00:00Z');
/** 10 kW circuit, kWh counter */
const cfg: CounterConfig = { maxPowerW: 10_000, counter: 'total_increasing', unit: 'kWh' };
/** 2 kW for one minute */
const STEP = 2 / 60;

/** Readings of a steady 2 kW load, one a minute, starting at `start` kWh. */
function steady(n: number, start: number, from = T0): RawReading[] {
  return Array.from({ length: n }, (_, i) => ({ ts: from + i * MIN, value: start + i * STEP }));
}
const at = (i: number) => T0 + i * MIN;

function run(readings: RawReading[], config: CounterConfig = cfg) {
  const r = new CounterRepair('sensor.meter', config, undefined, () => T0 + 999 * MIN);
  return r.push(readings);
}

describe('counter repair', () => {
  it('a clean counter needs no correction and is passed through', () => {
    const out = run(steady(10, 1234.5));
    expect(out.corrections).toEqual([]);
    expect(out.readings.map((r) => r.totalKWh)).toEqual(steady(10, 1234.5).map((r) => r.value));
  });

  it('reset to zero: counted from the reset on, logged with the raw values', () => {
    const readings = [...steady(5, 100), ...steady(4, STEP, at(5))];
    const out = run(readings);
    expect(out.corrections).toHaveLength(1);
    const c = out.corrections[0]!;
    expect(c).toMatchObject({ meterId: 'sensor.meter', at: at(5), rule: 'reset', loggedAt: T0 + 999 * MIN });
    expect(c.raw).toEqual({
      prevTs: at(4),
      prevValue: 100 + 4 * STEP,
      prevUnit: 'kWh',
      ts: at(5),
      value: STEP,
      unit: 'kWh',
    });
    expect(c.corrected.deltaKWh).toBeCloseTo(STEP, 12);
    expect(c.corrected.totalKWh).toBeCloseTo(100 + 5 * STEP, 12);
    expect(c.detail).toMatch(/counter reset from 100\.1 to 0\.03333 kWh/);
    // one continuous counter: 2 kW throughout
    const totals = out.readings.map((r) => r.totalKWh);
    totals.forEach((t, i) => expect(t).toBeCloseTo(100 + i * STEP, 9));
  });

  it('reset to a lower value (a replaced meter): the step is counted at the recent rate', () => {
    const out = run([...steady(5, 100), ...steady(4, 50, at(5))]);
    expect(out.corrections.map((c) => c.rule)).toEqual(['reset']);
    expect(out.corrections[0]!.corrected.deltaKWh).toBeCloseTo(STEP, 9);
    expect(out.corrections[0]!.detail).toMatch(/reset to a lower value/);
    expect(out.readings[out.readings.length - 1]!.totalKWh).toBeCloseTo(100 + 8 * STEP, 9);
  });

  it('rollover at 2^16 Wh is counted across the wrap at once', () => {
    const wh = (n: number, start: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({ ts: from + i * MIN, value: start + i * STEP * 1000 }));
    const readings = [...wh(3, 65_470, T0), ...wh(3, 65_536 - 65_536 + 30, at(3))];
    // 65470 + 2 x 33.3 = 65536.7 would pass the wrap: the third reading is 65536.67 - 65536 = 0.67 Wh
    readings[2]!.value = 65_536 - 2;
    const out = run(readings, { ...cfg, unit: 'Wh' });
    expect(out.corrections.map((c) => c.rule)).toEqual(['rollover']);
    const c = out.corrections[0]!;
    expect(c.raw.value).toBe(30);
    expect(c.corrected.deltaKWh).toBeCloseTo((2 + 30) / 1000, 12); // 2 Wh to the wrap + 30 Wh after it
    expect(c.detail).toMatch(/wrapped at 65\.54 kWh/);
    expect(out.readings.map((r) => r.totalKWh).every((t, i, a) => i === 0 || t >= a[i - 1]!)).toBe(true);
  });

  it('rollover at a stated maximum (a 6-digit kWh register with one decimal) and at 2^32 Wh', () => {
    const stated = run(
      [
        { ts: at(0), value: 99_999.8 },
        { ts: at(1), value: 99_999.85 },
        { ts: at(2), value: 0.01 },
      ],
      { ...cfg, rolloverAt: 99_999.9 },
    );
    expect(stated.corrections.map((c) => c.rule)).toEqual(['rollover']);
    expect(stated.corrections[0]!.corrected.deltaKWh).toBeCloseTo(0.06, 9);
    const big = run(
      [
        { ts: at(0), value: 2 ** 32 - 40 },
        { ts: at(1), value: 5 },
      ],
      { ...cfg, unit: 'Wh' },
    );
    expect(big.corrections.map((c) => c.rule)).toEqual(['rollover']);
    expect(big.corrections[0]!.corrected.deltaKWh).toBeCloseTo(0.045, 9);
  });

  it('a spike (implausible for a 10 kW circuit, then back to normal) is dropped', () => {
    const readings = steady(6, 100);
    readings[3] = { ts: at(3), value: 5000 };
    const out = run(readings);
    expect(out.corrections.map((c) => [c.rule, c.at, c.raw.value, c.corrected.deltaKWh])).toEqual([
      ['spike', at(3), 5000, null],
    ]);
    expect(out.corrections[0]!.detail).toMatch(/implausible after 100\.1 kWh within 60 s at most 10000 W/);
    expect(out.readings.map((r) => r.ts)).toEqual([at(0), at(1), at(2), at(4), at(5)]);
    expect(out.readings[3]!.totalKWh).toBeCloseTo(100 + 4 * STEP, 9);
  });

  it('a downward glitch (a zero read once) is a spike, not a reset', () => {
    const readings = steady(6, 100);
    readings[2] = { ts: at(2), value: 0 };
    const out = run(readings);
    expect(out.corrections.map((c) => c.rule)).toEqual(['spike']);
    expect(out.readings[out.readings.length - 1]!.totalKWh).toBeCloseTo(100 + 5 * STEP, 9);
  });

  it('a jump up that stays is a level shift: the recent rate is counted, the jump is not energy', () => {
    const out = run([...steady(5, 100), ...steady(4, 600, at(5))]);
    expect(out.corrections.map((c) => c.rule)).toEqual(['level-shift']);
    expect(out.corrections[0]!.corrected.deltaKWh).toBeCloseTo(STEP, 9);
    expect(out.readings[out.readings.length - 1]!.totalKWh).toBeCloseTo(100 + 8 * STEP, 9);
  });

  it('a gap: the energy across it is kept, spread evenly, and the intervals in it are flagged interpolated', () => {
    // readings stop at 00:04 and resume at 02:04: 2 kW for two hours = 4 kWh more
    const readings = [...steady(5, 100), ...steady(3, 100 + 4 * STEP + 4, at(124))];
    const out = run(readings);
    expect(out.corrections.map((c) => c.rule)).toEqual(['gap']);
    expect(out.corrections[0]!.corrected.deltaKWh).toBeCloseTo(4, 9);
    expect(out.corrections[0]!.detail).toMatch(/no reading for 120 min/);
    const iv = intervalEnergy(out.readings, T0 + 15 * MIN, T0 + 75 * MIN, 15 * MIN);
    expect(iv.map((x) => x.interpolated)).toEqual([true, true, true, true]);
    iv.forEach((x) => expect(x.kWh).toBeCloseTo(0.5, 9)); // 4 kWh over 120 min -> 0.5 per quarter hour
    const before = intervalEnergy(out.readings, T0, T0 + 4 * MIN, 4 * MIN);
    expect(before[0]).toMatchObject({ interpolated: false });
    expect(before[0]!.kWh).toBeCloseTo(4 * STEP, 9);
    expect(intervalEnergy(out.readings, T0 - 15 * MIN, T0, 15 * MIN)[0]!.kWh).toBeNull();
  });

  it('a declared unit change (the entity now reports Wh) is converted and logged', () => {
    const readings: RawReading[] = [
      ...steady(3, 100),
      { ts: at(3), value: (100 + 3 * STEP) * 1000, unit: 'Wh' },
      { ts: at(4), value: (100 + 4 * STEP) * 1000, unit: 'Wh' },
    ];
    const out = run(readings);
    expect(out.corrections.map((c) => [c.rule, c.raw.unit, c.raw.prevUnit])).toEqual([
      ['unit-change', 'Wh', 'kWh'],
    ]);
    expect(out.readings.map((r) => r.totalKWh)).toEqual(
      readings.map((_, i) => expect.closeTo(100 + i * STEP, 9)),
    );
  });

  it('an undeclared unit change (readings x1000 and staying) is found and converted from then on', () => {
    const readings = [
      ...steady(3, 100),
      ...steady(4, (100 + 3 * STEP) * 1000, at(3)).map((r, i) => ({
        ...r,
        value: (100 + (3 + i) * STEP) * 1000,
      })),
    ];
    const out = run(readings);
    expect(out.corrections.map((c) => c.rule)).toEqual(['unit-change']);
    expect(out.corrections[0]!.detail).toMatch(/factor of 1000 .*Wh read as kWh/);
    out.readings.forEach((r, i) => expect(r.totalKWh).toBeCloseTo(100 + i * STEP, 6));
  });

  it('NaN and out-of-order readings are dropped and logged; a net meter (state_class total) may go down', () => {
    const out = run([
      { ts: at(0), value: 10 },
      { ts: at(1), value: NaN },
      { ts: at(2), value: 10.03 },
      { ts: at(1), value: 10.01 },
    ]);
    expect(out.corrections.map((c) => c.rule)).toEqual(['non-finite', 'out-of-order']);
    const net = run(
      [
        { ts: at(0), value: 10 },
        { ts: at(1), value: 9.97 },
        { ts: at(2), value: 9.95 },
      ],
      { ...cfg, counter: 'total' },
    );
    expect(net.corrections).toEqual([]);
    expect(net.readings.map((r) => r.totalKWh)).toEqual([10, 9.97, 9.95]);
  });

  it('a daily counter (Tasmota ENERGY.Today) restarting at midnight is expected, not logged', () => {
    const out = run([...steady(3, 12.5), ...steady(3, 0.01, at(3))], { ...cfg, counter: 'daily' });
    expect(out.corrections).toEqual([]);
    expect(out.readings[5]!.totalKWh).toBeCloseTo(12.5 + 2 * STEP + 0.01 + 2 * STEP, 9);
  });

  it('energy from a power entity: each sample holds until the next, for at most the hold time', () => {
    const samples = [
      { ts: T0, w: 1000 },
      { ts: T0 + 30 * MIN, w: 3000 },
      { ts: T0 + 60 * MIN, w: 0 },
    ];
    const iv = energyFromPower(samples, T0, T0 + 120 * MIN, 60 * MIN, 30 * MIN);
    expect(iv[0]!.kWh).toBeCloseTo(0.5 + 1.5, 12);
    expect(iv[1]!.kWh).toBeNull(); // the 0 W sample holds only 30 of the 60 minutes
  });
});

describe('meter repair store and correction log (SQLite)', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('carries state across batches and restarts; the log reads back for an auditor, as rows and as CSV', () => {
    dir = mkdtempSync(join(tmpdir(), 'truss-meter-'));
    const file = join(dir, 'truss.db');
    let store = new MeterRepairStore(file, () => T0 + 999 * MIN);
    const a = store.ingest('sensor.main', cfg, steady(5, 100));
    expect(a).toMatchObject({ corrections: [], pending: 0 });
    // the reset arrives at the end of a batch: it waits for confirmation
    const b = store.ingest('sensor.main', cfg, [{ ts: at(5), value: STEP }]);
    expect(b).toMatchObject({ readings: [], corrections: [], pending: 1 });
    store.close();

    store = new MeterRepairStore(file, () => T0 + 999 * MIN);
    const c = store.ingest('sensor.main', cfg, steady(3, 2 * STEP, at(6)));
    expect(c.corrections.map((x) => x.rule)).toEqual(['reset']);
    expect(c.readings[c.readings.length - 1]!.totalKWh).toBeCloseTo(100 + 8 * STEP, 9);
    store.ingest('sensor.pv', { ...cfg, unit: 'Wh' }, [
      { ts: at(0), value: 1000 },
      { ts: at(1), value: NaN },
    ]);

    const log = store.corrections();
    expect(log.map((x) => [x.meterId, x.rule])).toEqual([
      ['sensor.main', 'reset'],
      ['sensor.pv', 'non-finite'],
    ]);
    expect(log[0]!.raw).toMatchObject({ prevValue: 100 + 4 * STEP, value: STEP });
    expect(log[1]!.raw.value).toBeNaN();
    expect(store.corrections({ meterId: 'sensor.pv' })).toHaveLength(1);
    expect(store.corrections({ rule: 'reset', from: at(5), to: at(6) })).toHaveLength(1);
    expect(store.corrections({ from: at(6) })).toHaveLength(0);

    const csv = store.correctionsCsv();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'meter,reading_time,logged_time,rule,prev_time,prev_value,prev_unit,raw_value,raw_unit,counted_kwh,repaired_total_kwh,detail',
    );
    expect(lines[1]).toMatch(
      /^sensor\.pv,2024-03-01T00:01:00\.000Z,2024-03-01T16:39:00\.000Z,non-finite,2024-03-01T00:00:00\.000Z,1000,Wh,,Wh,,,/,
    );
    expect(lines[2]).toMatch(
      /^sensor\.main,2024-03-01T00:05:00\.000Z,.*,reset,.*"counter reset from 100\.1 to 0\.03333 kWh: counting on from the reset, 0\.03333 kWh since it"$/,
    );
    store.close();

    // the tables live in the same file as everything else, under energy_ names
    const db = new DatabaseSync(file);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
        name: string;
      }>
    ).map((t) => t.name);
    expect(tables).toEqual(['energy_meter_corrections', 'energy_meter_state', 'energy_schema']);
    db.close();
  });
});
