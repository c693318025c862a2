import { useEffect, useState } from 'react';
import type { Trace } from '../../../shared/rules/trace.ts';
import { useSessionObject } from '../../store/context.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/use-action.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/** The last runs of one rule: which trigger, each condition's result, each action's outcome and timing. */
export function TracesView({ ruleId, refreshKey }: { ruleId: string; refreshKey: number }) {
  const session = useSessionObject();
  const [traces, setTraces] = useState<Trace[]>([]);
  const load = useAction(async () => setTraces(await session.call('rules.traces', { ruleId, limit: 50 })));
  const { run } = load;
  useEffect(() => {
    void run();
  }, [run, ruleId, refreshKey]);
  return (
    <section className="card" data-testid="traces-view">
      <div className="card-head">
        <h3>Runs of {ruleId}</h3>
        <span className="spacer" />
        <button type="button" className="btn btn-sm" onClick={() => void run()}>
          Refresh
        </button>
      </div>
      <ErrorText error={load.error} />
      {traces.length === 0 ? <p className="muted">No runs yet.</p> : null}
      {traces.map((t) => (
        <details key={t.id} className="tr-run" data-testid="trace" data-result={t.result}>
          <summary>
            <span className="nowrap">{formatDateTime(t.startedAt)}</span>{' '}
            <span
              className={`badge ${t.result === 'ran' ? 'badge-ok' : t.result === 'conditions_false' ? 'badge-unk' : 'badge-bad'}`}
            >
              {t.result.replaceAll('_', ' ')}
            </span>{' '}
            <span className="muted small">
              {t.trigger.type}: {t.trigger.detail}
            </span>
            {t.conflicts.length ? (
              <span className="badge badge-bad" data-testid="trace-conflict">
                conflict with {t.conflicts.map((c) => c.otherRuleId).join(', ')}
              </span>
            ) : null}
          </summary>
          <table className="table">
            <tbody>
              {t.steps.map((s, i) => (
                <tr key={i} className={s.outcome === 'failed' ? 'is-warn' : ''}>
                  <td className="mono small">{s.path}</td>
                  <td>{s.type.replaceAll('_', ' ')}</td>
                  <td>{s.outcome}</td>
                  <td className="right nowrap">{s.durationMs} ms</td>
                  <td className="small">{s.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}
