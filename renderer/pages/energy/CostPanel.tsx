import type { EnergyOverview } from '../../../shared/api/methods/energy.ts';
import { formatKWh, formatMoney } from './format.ts';

/** Today's and this billing period's cost and peak, and the bill forecast with its assumptions. */
export function CostPanel({ overview, error }: { overview: EnergyOverview | null; error: string | null }) {
  if (error) return <p className="error-box">{error}</p>;
  if (!overview) return <p className="muted">Loading costs…</p>;
  const c = overview.currency;
  const period = overview.period;
  return (
    <div className="stack" data-testid="cost-panel">
      <div className="tiles energy-tiles">
        <div className="card" data-testid="cost-today">
          <div className="muted small">Today</div>
          <div className="tile-value">{formatMoney(overview.today?.total, c)}</div>
          <div className="muted small">
            {formatKWh(overview.today?.importKWh)} in, {formatKWh(overview.today?.exportKWh)} out · peak{' '}
            {overview.today?.peakKw != null ? `${overview.today.peakKw.toFixed(1)} kW` : '–'}
          </div>
        </div>
        <div className="card" data-testid="cost-period">
          <div className="muted small">This period{period ? ` (from ${period.period.startDate})` : ''}</div>
          <div className="tile-value">{formatMoney(period?.total, c)}</div>
          <div className="muted small" data-testid="period-peak">
            peak {period?.peakKw != null ? `${period.peakKw.toFixed(1)} kW` : '–'}
            {period?.demand.length ? ` · demand charge ${formatMoney(period.demandCharge, c)}` : ''}
          </div>
        </div>
        <div className="card" data-testid="cost-forecast">
          <div className="muted small">Bill forecast for the period</div>
          <div className="tile-value">{formatMoney(overview.forecast?.projected.total, c)}</div>
          <div className="muted small">
            {overview.priceNow
              ? `now ${formatMoney(overview.priceNow.importPerKwh, c)}/kWh (${overview.priceNow.dynamic ? 'day-ahead' : overview.priceNow.band})`
              : 'no price now'}
          </div>
        </div>
      </div>
      {overview.forecast ? (
        <details>
          <summary className="muted small">How the forecast is made</summary>
          <ul className="small">
            {overview.forecast.assumptions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </details>
      ) : null}
      {overview.notes.map((n) => (
        <p key={n} className="muted small" data-testid="cost-note">
          {n}
        </p>
      ))}
    </div>
  );
}
