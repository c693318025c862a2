import { useEffect, useState } from 'react';
import type { ForecastAccuracy } from '../../../shared/api/methods/energy.ts';
import { useSessionObject } from '../../store/context.ts';

const KIND: Record<string, string> = {
  pv: 'PV production',
  load: 'Load',
  temperature: 'Outdoor temperature',
};
const fmt = (x: number | null, unit: string) =>
  x === null ? '–' : `${x.toFixed(unit === '°C' ? 1 : 0)} ${unit}`;

/** Each forecast's mean absolute error and bias over the last 7 and 30 days. */
export function AccuracyTable() {
  const session = useSessionObject();
  const [rows, setRows] = useState<ForecastAccuracy[] | null>(null);
  useEffect(() => {
    void session.call('energy.accuracy', {}).then(setRows);
  }, [session]);
  if (!rows) return <p className="muted">Loading…</p>;
  return (
    <table className="table" data-testid="accuracy-table">
      <thead>
        <tr>
          <th>Forecast</th>
          <th className="num">MAE 7 d</th>
          <th className="num">Bias 7 d</th>
          <th className="num">MAE 30 d</th>
          <th className="num">Bias 30 d</th>
          <th className="num">Slots</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.kind}:${r.target}`} data-testid={`accuracy-${r.kind}-${r.target}`}>
            <td>
              {KIND[r.kind] ?? r.kind} <span className="muted small">{r.target}</span>
            </td>
            <td className="num">{fmt(r.last7.mae, r.unit)}</td>
            <td className="num">{fmt(r.last7.bias, r.unit)}</td>
            <td className="num">{fmt(r.last30.mae, r.unit)}</td>
            <td className="num">{fmt(r.last30.bias, r.unit)}</td>
            <td className="num">{r.last30.n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
