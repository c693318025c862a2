import { useState } from 'react';
import type { PlanStatus } from '../../../shared/api/methods/plan.ts';
import type { PlanView } from '../../../shared/energy/plan.ts';
import type { PlanSettings } from '../../../shared/energy/plan-settings.ts';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';

/** A person's say over the plan: charge the EV now, hold a zone's temperature; and the ones in force. */
export function PlanOverrides({
  settings,
  status,
  canEdit,
  onPlan,
}: {
  settings: PlanSettings | null;
  status: PlanStatus | null;
  canEdit: boolean;
  onPlan: (r: { plan: PlanView | null; status: PlanStatus }) => void;
}) {
  const session = useSessionObject();
  const [zone, setZone] = useState('');
  const [temp, setTemp] = useState('21');
  const [hours, setHours] = useState('2');
  const act = useAction(async (params: Parameters<typeof session.call<'plan.override'>>[1]) =>
    onPlan(await session.call('plan.override', params)),
  );
  const clear = useAction(async (asset: string) =>
    onPlan(await session.call('plan.clearOverride', { asset })),
  );
  const zones = settings?.zones ?? [];
  const zoneId = zone || zones[0]?.id || '';
  const error = act.error ?? clear.error;
  return (
    <div className="stack" data-testid="plan-overrides">
      {status?.overrides.length ? (
        <ul className="plain-list">
          {status.overrides.map((o) => (
            <li key={o.asset} data-testid={`override-${o.asset}`}>
              {o.kind === 'ev_charge_now' ? `${o.asset}: charge now` : `${o.asset}: hold ${o.tempC} °C`} until{' '}
              {new Date(o.until).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}{' '}
              {canEdit ? (
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() => void clear.run(o.asset)}
                  data-testid={`override-clear-${o.asset}`}
                >
                  Clear
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No overrides: the plan decides.</p>
      )}
      {canEdit && settings?.ev ? (
        <button
          type="button"
          className="btn"
          disabled={act.busy}
          data-testid="override-ev-now"
          onClick={() =>
            void act.run({
              override: { kind: 'ev_charge_now', asset: settings.ev!.id, until: Date.now() + 12 * 3_600_000 },
            })
          }
        >
          Charge {settings.ev.name} now
        </button>
      ) : null}
      {canEdit && zones.length ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void act.run({
              override: {
                kind: 'hold_temperature',
                asset: zoneId,
                tempC: Number(temp),
                until: Date.now() + Number(hours) * 3_600_000,
              },
            });
          }}
        >
          <label>
            Hold{' '}
            <select value={zoneId} onChange={(e) => setZone(e.target.value)} data-testid="override-zone">
              {zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            at{' '}
            <input
              type="number"
              step="0.5"
              value={temp}
              onChange={(e) => setTemp(e.target.value)}
              data-testid="override-temp"
              style={{ width: '5em' }}
            />{' '}
            °C
          </label>
          <label>
            for{' '}
            <input
              type="number"
              min="1"
              max="168"
              value={hours}
              onChange={(e) => setHours(e.target.value)}
              style={{ width: '4em' }}
            />{' '}
            h
          </label>
          <button type="submit" className="btn" disabled={act.busy} data-testid="override-hold">
            Hold
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="error-box" data-testid="override-error">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}
