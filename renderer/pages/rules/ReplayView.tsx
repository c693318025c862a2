import { useState } from 'react';
import type { ReplayResult } from '../../../shared/api/methods.ts';
import { useSessionObject } from '../../store/context.ts';
import type { SiteState } from '../../store/site-store.ts';
import { useAction } from '../../lib/use-action.ts';
import { formatDateTime } from '../../lib/format.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import type { Draft } from './rule-fields.tsx';

const WINDOWS = [
  { label: 'last hour', ms: 3600_000 },
  { label: 'last 24 hours', ms: 86_400_000 },
  { label: 'last 7 days', ms: 7 * 86_400_000 },
];

/** "What would this rule have done?": runs the draft against recorded history, devices untouched. */
export function ReplayView({ site, rule }: { site: SiteState; rule: Draft }) {
  const session = useSessionObject();
  const [windowMs, setWindowMs] = useState(86_400_000);
  const [result, setResult] = useState<ReplayResult | null>(null);
  const run = useAction(async () => {
    const to = Date.now();
    setResult(await session.call('rules.replay', { rule: rule as never, from: to - windowMs, to }));
  });
  const span = result ? Math.max(1, result.to - result.from) : 1;
  const pos = (at: number) => `${(((at - (result?.from ?? 0)) / span) * 100).toFixed(2)}%`;
  const name = (id: string) => site.entities[id]?.name ?? id;
  return (
    <section className="card" data-testid="replay-view">
      <div className="card-head">
        <h3>Replay against recorded history</h3>
        <span className="spacer" />
        <select
          value={windowMs}
          onChange={(e) => setWindowMs(Number(e.target.value))}
          data-testid="replay-window"
        >
          {WINDOWS.map((w) => (
            <option key={w.ms} value={w.ms}>
              {w.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-sm btn-primary"
          onClick={() => void run.run()}
          disabled={run.busy}
          data-testid="replay-run"
        >
          Replay
        </button>
      </div>
      <ErrorText error={run.error} />
      {result ? (
        <>
          <p className="muted small" data-testid="replay-summary">
            {result.events} recorded changes, {result.traces.length} runs, {result.commands.length} commands,{' '}
            {result.notifications.length} notifications. Nothing was sent to devices.
          </p>
          <div className="rp-timeline" aria-label="Timeline">
            {result.traces.map((t) => (
              <span
                key={t.id}
                className={`rp-run rp-${t.result}`}
                style={{ left: pos(t.startedAt) }}
                title={`${formatDateTime(t.startedAt)} ${t.result}`}
              />
            ))}
            {result.commands.map((c, i) => (
              <span
                key={i}
                className="rp-cmd"
                style={{ left: pos(c.at) }}
                title={`${formatDateTime(c.at)} ${name(c.entityId)} ${c.command.type}`}
              />
            ))}
            <span className="rp-edge rp-from">{formatDateTime(result.from)}</span>
            <span className="rp-edge rp-to">{formatDateTime(result.to)}</span>
          </div>
          <table className="table" data-testid="replay-commands">
            <tbody>
              {result.commands.map((c, i) => (
                <tr key={i}>
                  <td className="nowrap">{formatDateTime(c.at)}</td>
                  <td>{name(c.entityId)}</td>
                  <td className="mono">{JSON.stringify(c.command)}</td>
                </tr>
              ))}
              {result.notifications.map((n, i) => (
                <tr key={`n${i}`}>
                  <td className="nowrap">{formatDateTime(n.at)}</td>
                  <td>notification ({n.level})</td>
                  <td>{n.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
