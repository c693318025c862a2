import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface PlanSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** a second axis on the right (prices, temperatures beside power) */
  right?: boolean;
  dash?: boolean;
}

/** One plan chart over the horizon's slots: a few series against time, stepped as the plan is. */
export function PlanChart({
  testId,
  times,
  series,
  leftUnit,
  rightUnit,
}: {
  testId: string;
  times: number[];
  series: PlanSeries[];
  leftUnit: string;
  rightUnit?: string;
}) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const el = plotRef.current;
    if (!el || width === 0 || times.length === 0) return;
    const stepped = uPlot.paths.stepped?.({ align: 1 });
    const plot = new uPlot(
      {
        width,
        height: 200,
        scales: { x: { time: true }, l: {}, r: {} },
        axes: [
          {},
          { scale: 'l', label: leftUnit },
          ...(rightUnit ? [{ scale: 'r', side: 1, label: rightUnit, grid: { show: false } }] : []),
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            scale: s.right ? 'r' : 'l',
            width: 1.5,
            dash: s.dash ? [4, 4] : undefined,
            paths: stepped,
          })),
        ],
      },
      [times.map((t) => t / 1000), ...series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [times, series, width, leftUnit, rightUnit]);
  return (
    <div className="chart" ref={boxRef} data-testid={testId} data-points={times.length}>
      <div ref={plotRef} className="chart-plot" />
    </div>
  );
}
