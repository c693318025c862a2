import type { MeterBinding, MeteringTree, MeterNode } from '../../../../shared/energy/metering.ts';
import { type MeterInterval, intervalEnergy } from '../metering/intervals.ts';
import type { RepairedReading } from '../metering/repair.ts';
import { type TreeEnergy, computeTree } from '../metering/tree.ts';
import { type EnergyInterval, combineMeterIntervals } from '../tariffs/intervals.ts';
import type { ReadingStore } from './reading-store.ts';

/** Every counter entity bound in the tree (import and export of the grid and of each node). */
export function treeCounters(tree: MeteringTree): string[] {
  const out: string[] = [];
  const add = (b: MeterBinding | null) => {
    if (b?.import) out.push(b.import);
    if (b?.export) out.push(b.export);
  };
  add(tree.site.grid);
  const walk = (nodes: MeterNode[]) => {
    for (const n of nodes) {
      add(n.meter);
      walk(n.children);
    }
  };
  walk(tree.site.children);
  return out;
}

/**
 * Energy per step like `intervalEnergy`, except that the steps where the readings begin or end
 * are clipped to the readings (a meter first heard at 10:07 counts 10:07-10:15, not nothing).
 */
export function coveredEnergy(
  readings: readonly RepairedReading[],
  from: number,
  to: number,
  stepMs: number,
): MeterInterval[] {
  const out = intervalEnergy(readings, from, to, stepMs);
  if (readings.length < 2) return out;
  const first = readings[0]!.ts;
  const last = readings[readings.length - 1]!.ts;
  return out.map((iv) => {
    if (iv.kWh !== null) return iv;
    const a = Math.max(iv.start, first);
    const b = Math.min(iv.end, last);
    if (b <= a) return iv;
    const [clipped] = intervalEnergy(readings, a, b, b - a);
    return clipped ?? iv;
  });
}

/** Grid import/export per interval from the grid meter's repaired counters, for the cost engine. */
export function gridIntervals(
  tree: MeteringTree,
  store: ReadingStore,
  from: number,
  to: number,
  stepMs = 900_000,
): { intervals: EnergyInterval[]; missing: number } {
  const grid = tree.site.grid;
  if (!grid.import || to <= from) return { intervals: [], missing: 0 };
  const imp = coveredEnergy(store.readings(grid.import, from, to), from, to, stepMs);
  // export on the import interval's own bounds (clipped the same way where import was)
  const expReadings = grid.export ? store.readings(grid.export, from, to) : [];
  const exp = imp.map((iv) => {
    if (!grid.export) return { ...iv, kWh: 0 };
    const [e] = intervalEnergy(expReadings, iv.start, iv.end, iv.end - iv.start);
    return e ?? { ...iv, kWh: null };
  });
  const combined = combineMeterIntervals(imp, exp);
  // quarter hours before the grid meter was first heard are not "missing": nothing was metered yet
  const first = store.readings(grid.import, from, to)[0]?.ts ?? Infinity;
  const missing = imp.filter((iv) => iv.kWh === null && iv.end > first).length;
  return { intervals: combined.intervals, missing };
}

export interface TreeStep {
  start: number;
  end: number;
  energy: TreeEnergy;
  /** counters bound in the tree with no data over the step */
  missing: number;
}

/**
 * The tree's energy per step over [from, to): the balance, each node's total and the unmetered
 * remainders, from the repaired counters. Steps where the grid meter has no data are left out.
 */
export function treeByStep(
  tree: MeteringTree,
  store: ReadingStore,
  from: number,
  to: number,
  stepMs: number,
): TreeStep[] {
  const counters = treeCounters(tree);
  const series = new Map(
    counters.map((id) => [id, intervalEnergy(store.readings(id, from, to), from, to, stepMs)] as const),
  );
  const steps: TreeStep[] = [];
  const n = Math.ceil((to - from) / stepMs);
  for (let i = 0; i < n; i++) {
    const start = from + i * stepMs;
    const end = Math.min(to, start + stepMs);
    const get = (id: string) => series.get(id)?.[i]?.kWh ?? null;
    if (tree.site.grid.import && get(tree.site.grid.import) === null) continue;
    const energy = computeTree(tree, get);
    steps.push({ start, end, energy, missing: counters.filter((c) => get(c) === null).length });
  }
  return steps;
}
