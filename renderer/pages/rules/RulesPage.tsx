import { useCallback, useEffect, useState } from 'react';
import type { PublicUser } from '../../../shared/domain/user.ts';
import { METHODS, roleAllows } from '../../../shared/api/methods.ts';
import type { Rule } from '../../../shared/rules/rule.ts';
import type { RuleStatus } from '../../../shared/rules/trace.ts';
import { useSessionObject } from '../../store/context.ts';
import type { SiteState } from '../../store/site-store.ts';
import { href } from '../../lib/router.ts';
import { formatAgo } from '../../lib/format.ts';
import { useAction } from '../../lib/use-action.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { newRuleDraft, RuleEditor } from './RuleEditor.tsx';
import { TracesView } from './TracesView.tsx';
import { ScenesPanel } from './ScenesPanel.tsx';
import { SchedulesPanel } from './SchedulesPanel.tsx';
import { TransferPanel } from './TransferPanel.tsx';
import type { Draft } from './rule-fields.tsx';
import './rules.css';

const TABS = [
  { id: 'rules', label: 'Rules' },
  { id: 'scenes', label: 'Scenes' },
  { id: 'schedules', label: 'Schedules' },
  { id: 'transfer', label: 'Import / export' },
];

export function RulesPage({ site, user, tab }: { site: SiteState; user: PublicUser; tab: string | null }) {
  const canEdit = roleAllows(METHODS['rules.save'].access, user.role);
  const current = TABS.find((t) => t.id === tab) ?? TABS[0]!;
  return (
    <div className="page" data-testid="rules-page">
      <div className="page-head">
        <h1>Automations</h1>
      </div>
      <nav className="tabs" aria-label="Automation sections">
        {TABS.map((t) => (
          <a
            key={t.id}
            href={href({ page: 'rules', tab: t.id })}
            className={t.id === current.id ? 'active' : ''}
            data-testid={`rules-tab-${t.id}`}
          >
            {t.label}
          </a>
        ))}
      </nav>
      {current.id === 'rules' ? <RulesPanel site={site} canEdit={canEdit} /> : null}
      {current.id === 'scenes' ? <ScenesPanel site={site} canEdit={canEdit} /> : null}
      {current.id === 'schedules' ? <SchedulesPanel site={site} canEdit={canEdit} /> : null}
      {current.id === 'transfer' ? <TransferPanel canEdit={canEdit} /> : null}
    </div>
  );
}

const HEALTH_TEXT: Record<RuleStatus['health'], string> = {
  ok: 'active',
  disabled: 'disabled',
  loop_stopped: 'stopped: loop',
  missing_entities: 'missing entities',
};

function RulesPanel({ site, canEdit }: { site: SiteState; canEdit: boolean }) {
  const session = useSessionObject();
  const [rules, setRules] = useState<Rule[]>([]);
  const [statuses, setStatuses] = useState<Record<string, RuleStatus>>({});
  const [scenes, setScenes] = useState<{ id: string; name: string }[]>([]);
  const [editing, setEditing] = useState<{ draft: Draft; isNew: boolean } | null>(null);
  const [tracesOf, setTracesOf] = useState<string | null>(null);
  const [runCount, setRunCount] = useState(0);
  const load = useAction(async () => {
    const r = await session.call('rules.list', {});
    setRules(r.rules);
    setStatuses(Object.fromEntries(r.statuses.map((s) => [s.ruleId, s])));
    setScenes(await session.call('scenes.list', {}));
  });
  const act = useAction(async (fn: () => Promise<unknown>) => {
    await fn();
    await load.run();
  });
  const reload = load.run;
  useEffect(() => {
    void reload();
    return session.client.onEvent((e) => {
      if (e.type === 'rule.status') setStatuses((prev) => ({ ...prev, [e.status.ruleId]: e.status }));
    });
  }, [reload, session]);
  const done = useCallback(
    (saved: Rule | null) => {
      setEditing(null);
      if (saved) void reload();
    },
    [reload],
  );

  if (editing)
    return (
      <RuleEditor
        site={site}
        initial={editing.draft}
        isNew={editing.isNew}
        scenes={scenes}
        rules={rules.map((r) => ({ id: r.id, name: r.name }))}
        canEdit={canEdit}
        onDone={done}
      />
    );
  return (
    <div className="stack">
      <div className="toolbar">
        {canEdit ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setEditing({ draft: newRuleDraft(), isNew: true })}
            data-testid="rule-new"
          >
            New rule
          </button>
        ) : null}
      </div>
      <ErrorText error={load.error ?? act.error} />
      <section className="card">
        {rules.length === 0 ? <p className="empty">No rules yet.</p> : null}
        <table className="table" data-testid="rules-table">
          <tbody>
            {rules.map((r) => {
              const s = statuses[r.id];
              return (
                <tr key={r.id} data-testid={`rule-row-${r.id}`} data-health={s?.health ?? 'ok'}>
                  <td>
                    <strong>{r.name}</strong>
                    <div className="muted small mono">{r.id}</div>
                    {s?.problems.length ? (
                      <div className="field-error small">{s.problems.join('; ')}</div>
                    ) : null}
                  </td>
                  <td>
                    <span
                      className={`badge ${s?.health === 'ok' ? 'badge-ok' : s?.health === 'disabled' ? 'badge-unk' : 'badge-bad'}`}
                      data-testid="rule-health"
                    >
                      {HEALTH_TEXT[s?.health ?? 'ok']}
                    </span>
                  </td>
                  <td className="small" data-testid="rule-last-run">
                    {s?.lastRun
                      ? `${formatAgo(s.lastRun)}: ${s.lastResult?.replaceAll('_', ' ')}`
                      : 'never run'}
                  </td>
                  <td className="right nowrap">
                    {canEdit ? (
                      <label className="small">
                        <input
                          type="checkbox"
                          checked={r.enabled}
                          onChange={(e) => {
                            const enabled = e.target.checked;
                            // Shown at once; the reload after the call brings the core's word.
                            setRules((prev) => prev.map((x) => (x.id === r.id ? { ...x, enabled } : x)));
                            void act.run(() => session.call('rules.enable', { ruleId: r.id, enabled }));
                          }}
                          data-testid="rule-enabled"
                        />{' '}
                        enabled
                      </label>
                    ) : null}{' '}
                    <button
                      type="button"
                      className="btn btn-sm"
                      onClick={() => setEditing({ draft: r as unknown as Draft, isNew: false })}
                      data-testid="rule-edit"
                    >
                      {canEdit ? 'Edit' : 'View'}
                    </button>{' '}
                    {canEdit ? (
                      <button
                        type="button"
                        className="btn btn-sm"
                        onClick={() =>
                          void act.run(async () => {
                            await session.call('rules.run', { ruleId: r.id });
                            setRunCount((n) => n + 1);
                            setTracesOf(r.id);
                          })
                        }
                        data-testid="rule-run"
                      >
                        Run now
                      </button>
                    ) : null}{' '}
                    <button
                      type="button"
                      className="btn btn-sm"
                      onClick={() => setTracesOf(tracesOf === r.id ? null : r.id)}
                      data-testid="rule-traces"
                    >
                      Runs
                    </button>{' '}
                    {canEdit ? (
                      <button
                        type="button"
                        className="btn btn-sm btn-danger"
                        onClick={() => {
                          if (globalThis.confirm(`Delete the rule "${r.name}"?`))
                            void act.run(() => session.call('rules.delete', { ruleId: r.id }));
                        }}
                        data-testid="rule-delete"
                      >
                        Delete
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {tracesOf ? <TracesView ruleId={tracesOf} refreshKey={runCount} /> : null}
    </div>
  );
}
