/** Energy metered over [start, end): import from and export to the grid, in kWh, both >= 0. */
export interface EnergyInterval {
  start: number;
  end: number;
  importKWh: number;
  exportKWh: number;
}

/** Throws with the offending index when intervals are unsorted, overlapping or not finite. */
export function checkIntervals(intervals: readonly EnergyInterval[]): void {
  let prevEnd = -Infinity;
  intervals.forEach((iv, i) => {
    if (!Number.isFinite(iv.start) || !Number.isFinite(iv.end) || iv.end <= iv.start)
      throw new Error(`intervals[${i}]: end must be after start`);
    if (iv.start < prevEnd)
      throw new Error(`intervals[${i}]: starts before the previous interval ends (sorted, no overlap)`);
    for (const k of ['importKWh', 'exportKWh'] as const)
      if (!Number.isFinite(iv[k]) || iv[k] < 0) throw new Error(`intervals[${i}].${k}: a finite number >= 0`);
    prevEnd = iv.end;
  });
}

/**
 * Grid intervals for the cost engine from the grid meter's import and export intervals (as
 * `intervalEnergy` gives them, same boundaries). Intervals with no import data are left out and
 * counted in `missing`; missing export data counts as no export.
 */
export function combineMeterIntervals(
  imports: ReadonlyArray<{ start: number; end: number; kWh: number | null }>,
  exports: ReadonlyArray<{ start: number; end: number; kWh: number | null }> = [],
): { intervals: EnergyInterval[]; missing: number } {
  const exp = new Map(exports.map((e) => [e.start, e.kWh]));
  const intervals: EnergyInterval[] = [];
  let missing = 0;
  for (const i of imports) {
    if (i.kWh === null) {
      missing++;
      continue;
    }
    intervals.push({
      start: i.start,
      end: i.end,
      importKWh: Math.max(0, i.kWh),
      exportKWh: Math.max(0, exp.get(i.start) ?? 0),
    });
  }
  return { intervals, missing };
}
