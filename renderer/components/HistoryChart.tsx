import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiError } from '../../shared/api/client.ts';
import type { Entity } from '../../shared/domain/entity.ts';
import { useSessionObject } from '../store/context.ts';
import { chartData, chartOptions, isStepped } from './chart-config.ts';
import type { LoadedHistory } from './chart-config.ts';

export const RANGES = {
  '1h': { label: '1 h', ms: 3_600_000, refreshMs: 30_000 },
  '24h': { label: '24 h', ms: 86_400_000, refreshMs: 300_000 },
  '7d': { label: '7 d', ms: 7 * 86_400_000, refreshMs: 1_800_000 },
} as const;
export type RangeKey = keyof typeof RANGES;

/**
 * One entity's history: the mean line, and the min/max band when the server aggregated the points
 * into buckets. The point budget is the chart's pixel width, so 7 days cost as much as 1 hour.
 */
export function HistoryChart({ entity, range }: { entity: Entity; range: RangeKey }) {
  const session = useSessionObject();
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [data, setData] = useState<LoadedHistory | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);

  // Rounded so a resize by a few pixels does not refetch.
  const pointBudget = Math.max(100, Math.min(2000, Math.ceil((width || 600) / 100) * 100));
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const to = Date.now();
      const from = to - RANGES[range].ms;
      setLoading(true);
      try {
        const r = await session.call('history.query', {
          entityId: entity.id,
          from,
          to,
          maxPoints: pointBudget,
        });
        if (cancelled) return;
        setData({ resolution: r.resolution, points: r.points, from, to });
        setError(null);
      } catch (e) {
        if (!cancelled) setError(e as ApiError);
      } finally {
        if (!cancelled) setLoading(false);
      }
    };
    void load();
    const t = setInterval(() => void load(), RANGES[range].refreshMs);
    return () => {
      cancelled = true;
      clearInterval(t);
    };
  }, [session, entity.id, range, pointBudget]);

  const plotRef = useRef<HTMLDivElement>(null);
  const count = data?.points.length ?? 0;
  useEffect(() => {
    const el = plotRef.current;
    if (!el || !data || data.points.length === 0 || width === 0) return;
    const stepped = isStepped(entity) ? uPlot.paths.stepped?.({ align: 1 }) : undefined;
    const plot = new uPlot(chartOptions(entity, width, data, stepped), chartData(data), el);
    return () => plot.destroy();
  }, [entity, data, width]);

  const state = error ? 'error' : !data ? 'loading' : count === 0 ? 'empty' : 'ready';
  return (
    <div
      className="chart"
      ref={boxRef}
      data-testid={`history-chart-${entity.id}`}
      data-state={state}
      data-points={count}
      data-resolution={data?.resolution ?? ''}
    >
      {state === 'ready' ? <div ref={plotRef} className="chart-plot" /> : null}
      {state === 'loading' || (loading && !data) ? <div className="chart-msg">Loading history…</div> : null}
      {state === 'empty' ? <div className="chart-msg">No history in this range yet.</div> : null}
      {state === 'error' && error ? (
        <div className="chart-msg error-text">Could not load history: {error.message}</div>
      ) : null}
      {data && count > 0 ? (
        <div className="chart-meta">
          {count} points ·{' '}
          {data.resolution === 'raw' ? 'raw samples' : `${data.resolution} buckets, band = min/max`}
        </div>
      ) : null}
    </div>
  );
}
