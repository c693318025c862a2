import { useState } from 'react';
import type { PlanSettings } from '../../../shared/energy/plan-settings.ts';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';

/**
 * The planner's settings as JSON (mode, horizon, assets with their entities and models): edited
 * in place; a mistake is refused with the field's path and the saved settings stay as they were.
 */
export function PlanSettingsEditor({
  settings,
  canEdit,
  onSaved,
}: {
  settings: PlanSettings | null;
  canEdit: boolean;
  onSaved: (s: PlanSettings) => void;
}) {
  const session = useSessionObject();
  // the parent remounts this editor (its key) when the saved settings change
  const [text, setText] = useState(() => (settings ? JSON.stringify(settings, null, 2) : ''));
  const save = useAction(async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`Not JSON: ${(e as Error).message}`);
    }
    onSaved(await session.call('plan.saveSettings', { settings: parsed as PlanSettings }));
  });
  return (
    <div className="stack">
      <textarea
        className="code"
        rows={14}
        value={text}
        readOnly={!canEdit}
        onChange={(e) => setText(e.target.value)}
        data-testid="plan-settings-json"
        spellCheck={false}
      />
      {canEdit ? (
        <div className="row">
          <button
            type="button"
            className="btn"
            disabled={save.busy}
            onClick={() => void save.run()}
            data-testid="plan-settings-save"
          >
            Save and re-plan
          </button>
        </div>
      ) : null}
      {save.error ? (
        <div className="error-box" data-testid="plan-settings-error">
          {save.error.message}
          {save.error.issues?.length ? (
            <ul className="field-error" data-testid="plan-settings-issues">
              {save.error.issues.map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  <code>{i.path}</code>: {i.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
