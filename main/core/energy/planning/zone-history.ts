import type { TimeSeriesStore } from '../../history/types.ts';
import { copAt } from '../optimiser/plan-problem.ts';
import type { ZoneSettings } from '../../../../shared/energy/plan-settings.ts';
import type { RcSample } from './rc-fit.ts';

export const FIT_STEP_MS = 15 * 60_000;

/**
 * A zone's history as 15-minute intervals for the RC fit: mean indoor and outdoor temperature and
 * the heat put in (the heat pump's electric power times its COP at that outdoor temperature).
 * Only intervals where all three series have data are kept.
 */
export function zoneSamples(
  history: TimeSeriesStore,
  zone: Pick<ZoneSettings, 'tempEntity' | 'copAt7' | 'copSlopePerK'> & { heatPowerEntity: string },
  outdoorEntity: string,
  from: number,
  to: number,
): RcSample[] {
  const means = (entityId: string) => {
    // raw samples where they are still kept, else minute rollups (hour rollups are too coarse)
    let points = history.query({ entityId, from, to, resolution: 'raw' }).points;
    if (points.length === 0) points = history.query({ entityId, from, to, resolution: 'minute' }).points;
    const buckets = new Map<number, [number, number]>();
    for (const p of points) {
      const k = Math.floor(p.ts / FIT_STEP_MS) * FIT_STEP_MS;
      const acc = buckets.get(k) ?? [0, 0];
      acc[0] += p.mean * p.count;
      acc[1] += p.count;
      buckets.set(k, acc);
    }
    return new Map([...buckets].map(([k, [sum, n]]) => [k, sum / n]));
  };
  const indoor = means(zone.tempEntity);
  const outdoor = means(outdoorEntity);
  const power = means(zone.heatPowerEntity);
  const out: RcSample[] = [];
  for (const ts of [...indoor.keys()].sort((a, b) => a - b)) {
    const o = outdoor.get(ts);
    const w = power.get(ts);
    if (o === undefined || w === undefined) continue;
    out.push({ ts, indoorC: indoor.get(ts)!, outdoorC: o, heatKw: (w / 1000) * copAt(zone, o) });
  }
  return out;
}
