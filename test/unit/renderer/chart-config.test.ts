import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../shared/domain/entity.ts';
import { chartData, chartOptions, isStepped } from '../../../renderer/components/chart-config.ts';
import type { LoadedHistory } from '../../../renderer/components/chart-config.ts';

const temp: Entity = {
  id: 'sensor.t',
  deviceId: 'd',
  key: 't',
  name: 'Temperature',
  kind: 'sensor',
  deviceClass: 'temperature',
  unit: '°C',
  writable: false,
  attributes: {},
  createdAt: 0,
};
const pt = (ts: number, min: number, mean: number, max: number) => ({
  ts,
  min,
  max,
  mean,
  last: mean,
  count: 4,
});

describe('history chart configuration', () => {
  it('raw samples: one line, no band', () => {
    const d: LoadedHistory = {
      resolution: 'raw',
      points: [pt(1000, 20, 20, 20), pt(2000, 21, 21, 21)],
      from: 0,
      to: 3000,
    };
    expect(chartData(d)).toEqual([
      [1, 2],
      [20, 21],
    ]);
    const o = chartOptions(temp, 500, d);
    expect(o.series).toHaveLength(2);
    expect(o.bands).toEqual([]);
    expect(o.scales?.x).toMatchObject({ time: true, min: 0, max: 3 });
  });

  it('aggregated buckets: mean line plus a min/max band between series 2 and 3', () => {
    const d: LoadedHistory = {
      resolution: 'hour',
      points: [pt(3_600_000, 19, 20, 22), pt(7_200_000, 18.5, 19, 20)],
      from: 0,
      to: 10_800_000,
    };
    expect(chartData(d)).toEqual([
      [3600, 7200],
      [20, 19],
      [22, 20],
      [19, 18.5],
    ]);
    const o = chartOptions(temp, 500, d);
    expect(o.series.map((s) => s.label)).toEqual([undefined, 'Mean', 'Max', 'Min']);
    expect(o.bands).toEqual([{ series: [2, 3], fill: expect.any(String) }]);
  });

  it('on/off entities are drawn in steps', () => {
    expect(isStepped({ ...temp, kind: 'binary_sensor' })).toBe(true);
    expect(isStepped({ ...temp, kind: 'switch' })).toBe(true);
    expect(isStepped(temp)).toBe(false);
  });
});
