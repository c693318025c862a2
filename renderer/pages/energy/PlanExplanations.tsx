import { useState } from 'react';
import type { PlanView, ReasonCode } from '../../../shared/energy/plan.ts';

const WHY: Record<ReasonCode, string> = {
  price: 'price',
  pv_surplus: 'PV surplus',
  comfort_bound: 'comfort',
  peak_limit: 'peak',
  import_cap: 'DR cap',
  departure_deadline: 'departure',
  override: 'override',
  safe_schedule: 'safe schedule',
};

const time = (ms: number) =>
  new Date(ms).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** What each asset does in each slot, and why, in the plan's own words; the next 12 hours first. */
export function PlanExplanations({ plan, currency }: { plan: PlanView; currency: string | null }) {
  const [all, setAll] = useState(false);
  const slots = plan.slots.filter((s) => s.reasons.length > 0);
  const shown = all ? slots : slots.filter((s) => s.start < plan.start + 12 * 3_600_000);
  return (
    <div className="stack" data-testid="plan-explanations">
      <table className="table small">
        <thead>
          <tr>
            <th>Slot</th>
            <th>Price</th>
            <th>Why</th>
            <th>What</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s) =>
            s.reasons.map((r, i) => (
              <tr key={`${s.start}-${i}`} data-testid="plan-reason" data-because={r.because}>
                <td>{i === 0 ? time(s.start) : ''}</td>
                <td>{i === 0 ? `${s.importPrice.toFixed(3)}${currency ? ` ${currency}` : ''}/kWh` : ''}</td>
                <td>
                  <span className="badge">{WHY[r.because]}</span>
                </td>
                <td>{r.text}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      {shown.length === 0 ? <p className="muted">Nothing to do in the next 12 hours.</p> : null}
      {slots.length > shown.length || all ? (
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => setAll(!all)}
          data-testid="plan-explanations-all"
        >
          {all ? 'Next 12 hours only' : `All ${slots.length} slots with actions`}
        </button>
      ) : null}
    </div>
  );
}
