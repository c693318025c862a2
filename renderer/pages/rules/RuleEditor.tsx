import { useState } from 'react';
import { ApiError } from '../../../shared/api/client.ts';
import type { Rule } from '../../../shared/rules/rule.ts';
import { useSessionObject } from '../../store/context.ts';
import type { SiteState } from '../../store/site-store.ts';
import { useAction } from '../../lib/use-action.ts';
import { ErrorText, FieldError } from '../../components/ErrorText.tsx';
import {
  ACTION_TYPES,
  ActionFields,
  CONDITION_TYPES,
  ConditionFields,
  defaultAction,
  defaultCondition,
  defaultTrigger,
  type Draft,
  TRIGGER_TYPES,
  TriggerFields,
} from './rule-fields.tsx';
import { ReplayView } from './ReplayView.tsx';

export function newRuleDraft(): Draft {
  return {
    id: `rule-${Date.now().toString(36)}`,
    name: '',
    enabled: true,
    mode: { type: 'single', max: 10 },
    triggers: [defaultTrigger('state')],
    conditions: [],
    actions: [defaultAction('command')],
  };
}

/**
 * Builds a rule from pickers; the JSON view shows the same draft and can be edited directly.
 * The core validates on save and each error is shown at its field.
 */
export function RuleEditor({
  site,
  initial,
  isNew,
  scenes,
  rules,
  canEdit,
  onDone,
}: {
  site: SiteState;
  initial: Draft;
  isNew: boolean;
  scenes: { id: string; name: string }[];
  rules: { id: string; name: string }[];
  canEdit: boolean;
  onDone: (saved: Rule | null) => void;
}) {
  const session = useSessionObject();
  const [draft, setDraft] = useState<Draft>(initial);
  const [jsonMode, setJsonMode] = useState(false);
  const [jsonText, setJsonText] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [replay, setReplay] = useState(false);
  const save = useAction(async () => {
    const r = await session.call('rules.save', { rule: draft as never });
    onDone(r.rule);
  });
  const error: ApiError | null = save.error;
  const list = (key: 'triggers' | 'conditions' | 'actions') => (draft[key] as Draft[] | undefined) ?? [];
  const setList = (key: 'triggers' | 'conditions' | 'actions', items: Draft[]) =>
    setDraft({ ...draft, [key]: items });
  const mode = (draft.mode as Draft | undefined) ?? { type: 'single', max: 10 };

  const openJson = () => {
    setJsonText(JSON.stringify(draft, null, 2));
    setJsonError(null);
    setJsonMode(true);
  };
  const applyJson = () => {
    try {
      const parsed = JSON.parse(jsonText) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('a rule is a JSON object');
      setDraft(parsed as Draft);
      setJsonMode(false);
    } catch (e) {
      setJsonError((e as Error).message);
    }
  };

  const section = (
    key: 'triggers' | 'conditions' | 'actions',
    title: string,
    types: readonly string[],
    make: (t: string) => Draft,
  ) => (
    <section className="card" data-testid={`rule-${key}`}>
      <div className="card-head">
        <h3>{title}</h3>
        <span className="spacer" />
        <select
          value=""
          onChange={(e) => {
            if (e.target.value) setList(key, [...list(key), make(e.target.value)]);
          }}
          disabled={!canEdit}
          data-testid={`add-${key}`}
          aria-label={`Add to ${title}`}
        >
          <option value="">+ add…</option>
          {types.map((t) => (
            <option key={t} value={t}>
              {t.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      <FieldError error={error} path={`rule.${key}`} />
      {list(key).length === 0 ? <p className="muted small">None.</p> : null}
      {list(key).map((item, i) => {
        const path = `rule.${key}.${i}`;
        const update = (d: Draft) =>
          setList(
            key,
            list(key).map((x, j) => (j === i ? d : x)),
          );
        const testId = `${key}-${i}`;
        return (
          <div className="rf-item" key={i} data-testid={testId}>
            <div className="rf-item-head">
              <select
                value={String(item.type)}
                onChange={(e) => update(make(e.target.value))}
                data-testid={`${testId}-type`}
                aria-label="Type"
              >
                {(types.includes(String(item.type)) ? types : [String(item.type), ...types]).map((t) => (
                  <option key={t} value={t}>
                    {t.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
              <span className="spacer" />
              <button
                type="button"
                className="btn btn-sm"
                onClick={() =>
                  setList(
                    key,
                    list(key).filter((_, j) => j !== i),
                  )
                }
                disabled={!canEdit}
              >
                Remove
              </button>
            </div>
            {key === 'triggers' ? (
              <TriggerFields
                site={site}
                draft={item}
                onChange={update}
                path={path}
                error={error}
                testId={testId}
              />
            ) : null}
            {key === 'conditions' ? (
              <ConditionFields
                site={site}
                draft={item}
                onChange={update}
                path={path}
                error={error}
                testId={testId}
              />
            ) : null}
            {key === 'actions' ? (
              <ActionFields
                site={site}
                draft={item}
                onChange={update}
                path={path}
                error={error}
                testId={testId}
                scenes={scenes}
                rules={rules}
              />
            ) : null}
            <FieldError error={error} path={path} />
          </div>
        );
      })}
    </section>
  );

  return (
    <div className="stack" data-testid="rule-editor">
      <section className="card">
        <div className="rf-row">
          <label className="rf-field">
            <span className="rf-label">Name</span>
            <input
              value={String(draft.name ?? '')}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              data-testid="rule-name"
            />
            <FieldError error={error} path="rule.name" />
          </label>
          <label className="rf-field">
            <span className="rf-label">Id</span>
            <input
              value={String(draft.id ?? '')}
              onChange={(e) => setDraft({ ...draft, id: e.target.value })}
              disabled={!isNew}
              data-testid="rule-id"
            />
            <FieldError error={error} path="rule.id" />
          </label>
          <label className="rf-field">
            <span className="rf-label">When triggered while running</span>
            <select
              value={String(mode.type)}
              onChange={(e) => setDraft({ ...draft, mode: { ...mode, type: e.target.value } })}
              data-testid="rule-mode"
            >
              <option value="single">single: ignore the new trigger</option>
              <option value="restart">restart: stop the old run</option>
              <option value="queued">queued: run after it</option>
              <option value="parallel">parallel: run beside it</option>
            </select>
          </label>
          <label className="rf-field">
            <span className="rf-label">Pending delay on restart</span>
            <select
              value={String(draft.onRestart ?? 'drop')}
              onChange={(e) => setDraft({ ...draft, onRestart: e.target.value })}
            >
              <option value="drop">drop it</option>
              <option value="resume">resume it</option>
            </select>
          </label>
        </div>
      </section>
      {jsonMode ? (
        <section className="card">
          <h3>JSON</h3>
          <textarea
            className="rf-json"
            value={jsonText}
            onChange={(e) => setJsonText(e.target.value)}
            spellCheck={false}
            data-testid="rule-json"
          />
          {jsonError ? <div className="field-error">{jsonError}</div> : null}
          <div className="form-actions">
            <button type="button" className="btn" onClick={applyJson} data-testid="rule-json-apply">
              Use this JSON
            </button>
            <button type="button" className="btn" onClick={() => setJsonMode(false)}>
              Back to the editor
            </button>
          </div>
        </section>
      ) : (
        <>
          {section('triggers', 'When', TRIGGER_TYPES, defaultTrigger)}
          {section('conditions', 'Only if', CONDITION_TYPES, defaultCondition)}
          {section('actions', 'Then', ACTION_TYPES, defaultAction)}
        </>
      )}
      <ErrorText error={error} testId="rule-save-error" />
      {error?.issues?.length ? (
        <ul className="field-error" data-testid="rule-issues">
          {error.issues.map((i) => (
            <li key={i.path + i.message}>
              {i.path}: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="form-actions">
        {canEdit ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void save.run()}
            disabled={save.busy}
            data-testid="rule-save"
          >
            Save rule
          </button>
        ) : null}
        {!jsonMode ? (
          <button type="button" className="btn" onClick={openJson} data-testid="rule-json-open">
            JSON view
          </button>
        ) : null}
        <button
          type="button"
          className="btn"
          onClick={() => setReplay(!replay)}
          data-testid="rule-replay-open"
        >
          Replay this version
        </button>
        <button type="button" className="btn" onClick={() => onDone(null)}>
          Close
        </button>
      </div>
      {replay ? <ReplayView site={site} rule={draft} /> : null}
    </div>
  );
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
