import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ForecastStore } from '../../../../main/core/energy/forecast/accuracy-store.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2024-05-01T00:00:00Z');

describe('forecast accuracy (SQLite store, known errors)', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  /**
   * Every hour over the last 31 days a load forecast for the next 24 hours is issued: each value is
   * 1000 W plus its lead time in hours (a forecast issued 6 h ahead reads 1006). The actuals are
   * 990 W in the last 7 days and 980 W before. So with lead 0 (the forecast in force when the slot
   * began) the error is +10 W in the last 7 days and +20 W before; with a 6-hour lead, 6 W more.
   */
  function fill(store: ForecastStore) {
    for (let t = NOW - 31 * DAY; t < NOW; t += HOUR) {
      store.recordIssue(
        'load',
        'circuit-1',
        t,
        t,
        HOUR,
        Array.from({ length: 24 }, (_, k) => 1000 + k),
      );
    }
    const actuals = [];
    for (let t = NOW - 30 * DAY; t < NOW; t += HOUR)
      actuals.push({ start: t, value: t >= NOW - 7 * DAY ? 990 : 980 });
    store.recordActuals('load', 'circuit-1', HOUR, actuals);
  }

  it('MAE and bias over the last 7 and 30 days, for the forecast in force and for a 6-hour lead', () => {
    dir = mkdtempSync(join(tmpdir(), 'truss-forecast-'));
    const file = join(dir, 'truss.db');
    let store = new ForecastStore(file);
    fill(store);
    store.close();
    store = new ForecastStore(file); // read back after reopening

    const a = store.accuracy('load', 'circuit-1', NOW);
    expect(a).toMatchObject({ kind: 'load', target: 'circuit-1', unit: 'W', leadMs: 0 });
    expect(a.last7).toEqual({ days: 7, n: 168, mae: 10, bias: 10, meanActual: 990 });
    // 168 slots at +10 and 552 at +20
    expect(a.last30.n).toBe(720);
    expect(a.last30.mae).toBeCloseTo((168 * 10 + 552 * 20) / 720, 9);
    expect(a.last30.bias).toBeCloseTo((168 * 10 + 552 * 20) / 720, 9);

    const lead = store.accuracy('load', 'circuit-1', NOW, { leadMs: 6 * HOUR });
    expect(lead.last7).toMatchObject({ n: 168, mae: 16, bias: 16 });
    store.close();
  });

  it('a forecast that runs low has a negative bias and the same MAE; no data gives nulls', () => {
    dir = mkdtempSync(join(tmpdir(), 'truss-forecast-'));
    const store = new ForecastStore(join(dir, 'truss.db'));
    const t0 = NOW - 2 * DAY;
    store.recordIssue('pv', 'site', t0 - HOUR, t0, HOUR, [100, 200, 300, 400]);
    store.recordActuals('pv', 'site', HOUR, [
      { start: t0, value: 150 },
      { start: t0 + HOUR, value: 250 },
      { start: t0 + 2 * HOUR, value: 250 },
      { start: t0 + 3 * HOUR, value: 450 },
    ]);
    const a = store.accuracy('pv', 'site', NOW);
    // errors -50, -50, +50, -50
    expect(a.last7).toEqual({ days: 7, n: 4, mae: 50, bias: -25, meanActual: 275 });
    expect(store.accuracy('pv', 'other', NOW).last7).toEqual({
      days: 7,
      n: 0,
      mae: null,
      bias: null,
      meanActual: null,
    });
    expect(store.accuracy('temperature', 'site', NOW).unit).toBe('°C');
    expect(() => store.recordIssue('pv', 'site', t0, t0, HOUR, [1, NaN])).toThrow(
      /value 1 is not a finite number/,
    );
    store.close();
  });

  it('sweeps what is older than the 30-day window', () => {
    dir = mkdtempSync(join(tmpdir(), 'truss-forecast-'));
    const store = new ForecastStore(join(dir, 'truss.db'));
    fill(store);
    const removed = store.sweep(NOW - 10 * DAY);
    expect(removed).toBeGreaterThan(400);
    // the last 10 days stay, and the slot that ends exactly at the cut
    expect(store.accuracy('load', 'circuit-1', NOW).last30.n).toBe(10 * 24 + 1);
    expect(store.accuracy('load', 'circuit-1', NOW).last7.n).toBe(168);
    store.close();
  });
});
