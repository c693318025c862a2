import { afterAll, describe, expect, it } from 'vitest';
import { PlanSolver } from '../../../../main/core/energy/optimiser/plan-solver.ts';
import {
  baselineController,
  optimiserController,
  ruleOfThumbController,
} from '../../../bench/energy-week/controllers.ts';
import { zoneModels } from '../../../bench/energy-week/site.ts';
import { simulate } from '../../../bench/energy-week/simulate.ts';

/**
 * The virtual building (model mismatch, noise, forecast errors) for two days at accelerated time,
 * run by the baseline, the rule of thumb and the optimiser (re-planning every hour): the optimiser
 * must cost less than both at comfort no worse than the baseline. The week and its figures are the
 * benchmark's (`npm run bench -- energy`); this is the same simulation kept small.
 */
const solver = new PlanSolver();
afterAll(() => solver.close());

describe('two simulated days of the virtual building', () => {
  it('the optimiser beats the baseline and the rule of thumb on cost without losing comfort', async () => {
    const zones = zoneModels(2);
    const opts = { start: Date.UTC(2026, 11, 7), days: 2 };
    const base = await simulate(baselineController(zones), zones, opts);
    const rule = await simulate(ruleOfThumbController(zones), zones, opts);
    const truss = optimiserController(zones, solver, { horizonSlots: 96, replanSlots: 8 });
    const opt = await simulate(truss, zones, opts);
    expect(truss.fallbacks).toBe(0);
    expect(truss.solveMs.length).toBe(24);
    expect(opt.cost).toBeLessThan(base.cost);
    expect(opt.cost).toBeLessThan(rule.cost);
    // both keep the rooms in their bands all but a few minutes: equal within 0.1 K·h over two days
    expect(opt.comfortKh).toBeLessThanOrEqual(base.comfortKh + 0.1);
    expect(opt.evShortKwh).toBeLessThan(0.5);
  }, 120_000);

  it('the same seed gives the same building: runs compare like with like', async () => {
    const zones = zoneModels(2);
    const opts = { start: Date.UTC(2026, 11, 7), days: 1 };
    const a = await simulate(baselineController(zones), zones, opts);
    const b = await simulate(baselineController(zones), zones, opts);
    expect(a).toEqual(b);
    const c = await simulate(baselineController(zones), zones, { ...opts, seed: 99 });
    expect(c.cost).not.toBe(a.cost);
  });
});
