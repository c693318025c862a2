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
