import { useState } from 'react';
import { useSessionObject } from '../../store/context.ts';
import { useAction } from '../../lib/use-action.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/** Rules, scenes and schedules as one JSON file, out and in. */
export function TransferPanel({ canEdit }: { canEdit: boolean }) {
  const session = useSessionObject();
  const [text, setText] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const exp = useAction(async () => {
    const bundle = await session.call('automations.export', {});
    const json = JSON.stringify(bundle, null, 2);
    setText(json);
    const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `truss-automations-${new Date().toISOString().slice(0, 10)}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  const imp = useAction(async () => {
    setParseError(null);
    setResult(null);
    let bundle: unknown;
    try {
      bundle = JSON.parse(text);
    } catch (e) {
      setParseError(`Not JSON: ${(e as Error).message}`);
      return;
    }
    const r = await session.call('automations.import', { bundle: bundle as never });
    setResult(
      `Imported ${r.rules} rules, ${r.scenes} scenes, ${r.schedules} schedules.` +
        (r.flagged.length ? ` Flagged (refer to entities this site lacks): ${r.flagged.join(', ')}.` : ''),
    );
  });
  return (
    <section className="card stack" data-testid="transfer-panel">
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => void exp.run()} data-testid="export-button">
          Export all as JSON
        </button>
        {canEdit ? (
          <>
            <label className="btn">
              Open file…
              <input
                type="file"
                accept="application/json,.json"
                hidden
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) void f.text().then(setText);
                }}
              />
            </label>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void imp.run()}
              disabled={!text.trim() || imp.busy}
              data-testid="import-button"
            >
              Import
            </button>
          </>
        ) : null}
      </div>
      <textarea
        className="rf-json"
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        placeholder="Paste an export here to import it."
        data-testid="transfer-json"
      />
      {parseError ? <div className="field-error">{parseError}</div> : null}
      <ErrorText error={exp.error ?? imp.error} />
      {imp.error?.issues?.length ? (
        <ul className="field-error">
          {imp.error.issues.slice(0, 20).map((i) => (
            <li key={i.path + i.message}>
              {i.path}: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {result ? (
        <p className="ok-text" data-testid="import-result">
          {result}
        </p>
      ) : null}
    </section>
  );
}
