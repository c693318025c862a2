import type uPlot from 'uplot';
import type { HistoryPoint, Resolution } from '../../shared/api/methods.ts';
import type { Entity } from '../../shared/domain/entity.ts';
import { formatNumber } from '../lib/format.ts';

export type LoadedHistory = { resolution: Resolution; points: HistoryPoint[]; from: number; to: number };

export const CHART_HEIGHT = 180;
const LINE = '#1f6feb';
const EDGE = 'rgba(31,111,235,0.35)';
const BAND = 'rgba(31,111,235,0.12)';

/** Aggregated buckets carry a spread worth showing; raw samples have min = max = mean. */
export function isBanded(d: LoadedHistory): boolean {
  return d.resolution !== 'raw';
}

/** On/off things change in steps: drawing them as slopes would invent values in between. */
export function isStepped(e: Entity): boolean {
  return e.kind === 'binary_sensor' || e.kind === 'switch';
}

/** uPlot's columns: seconds, then mean (raw: the value), and max/min when banded. */
export function chartData(d: LoadedHistory): uPlot.AlignedData {
  const xs = d.points.map((p) => p.ts / 1000);
  const mean = d.points.map((p) => p.mean);
  if (!isBanded(d)) return [xs, mean];
  return [xs, mean, d.points.map((p) => p.max), d.points.map((p) => p.min)];
}

export function chartOptions(
  entity: Entity,
  width: number,
  d: LoadedHistory,
  stepped?: uPlot.Series.PathBuilder,
): uPlot.Options {
  const banded = isBanded(d);
  const fmt = (_u: uPlot, v: number | null) => (v === null ? '—' : formatNumber(v, entity.unit));
  const series: uPlot.Series[] = [
    {},
    {
      label: banded ? 'Mean' : 'Value',
      stroke: LINE,
      width: 1.5,
      value: fmt,
      points: { show: d.points.length < 60, size: 4 },
      ...(stepped ? { paths: stepped } : {}),
    },
  ];
  if (banded) {
    series.push(
      { label: 'Max', stroke: EDGE, width: 1, value: fmt, points: { show: false } },
      { label: 'Min', stroke: EDGE, width: 1, value: fmt, points: { show: false } },
    );
  }
  return {
    width,
    height: CHART_HEIGHT,
    series,
    bands: banded ? [{ series: [2, 3], fill: BAND }] : [],
    scales: { x: { time: true, min: d.from / 1000, max: d.to / 1000 } },
    axes: [
      { stroke: '#5b6472', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d6dae0' } },
      {
        stroke: '#5b6472',
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#d6dae0' },
        size: 56,
        values: (_u, splits) => splits.map((v) => formatNumber(v, null)),
      },
    ],
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
  };
}
