import { useEffect, useState } from 'react';
import type { Tariff } from '../../../shared/energy/tariff.ts';
import { ApiError } from '../../../shared/api/client.ts';
import { useSessionObject } from '../../store/context.ts';
import { useAction } from '../../lib/use-action.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/**
 * The tariff in force as JSON (the same file format as export/import), with every validation
 * error shown by its field path. Versions already in force are frozen by the core: a new price
 * is a new version from a later date.
 */
export function TariffEditor({
  tariffId,
  canEdit,
  onSaved,
}: {
  tariffId: string | null;
  canEdit: boolean;
  onSaved: () => void;
}) {
  const session = useSessionObject();
  const [text, setText] = useState('');
  const [loaded, setLoaded] = useState<Tariff | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [revisions, setRevisions] = useState(0);
  useEffect(() => {
    if (!tariffId) return;
    void session.call('energy.tariff', { tariffId }).then(({ tariff }) => {
      setLoaded(tariff);
      setText(JSON.stringify(tariff, null, 2));
    });
    void session.call('energy.tariffRevisions', { tariffId }).then((r) => setRevisions(r.revisions.length));
  }, [session, tariffId]);
  const save = useAction(async () => {
    setSaved(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ApiError('bad_request', `Not JSON: ${(e as Error).message}`);
    }
    const r = await session.call('energy.saveTariff', { tariff: parsed as never });
    setLoaded(r.tariff);
    setSaved(`Saved "${r.tariff.name}".`);
    setRevisions((n) => n + 1);
    onSaved();
  });
  if (!tariffId) return <p className="muted">No tariff chosen in the energy settings.</p>;
  return (
    <div className="stack" data-testid="tariff-editor">
      <p className="muted small">
        {loaded ? `${loaded.name} · ${loaded.currency} · ${loaded.versions.length} version(s)` : 'Loading…'} ·{' '}
        {revisions} earlier revision(s)
      </p>
      <textarea
        className="code"
        rows={18}
        spellCheck={false}
        value={text}
        readOnly={!canEdit}
        onChange={(e) => setText(e.target.value)}
        data-testid="tariff-json"
      />
      <ErrorText error={save.error} testId="tariff-error" />
      {save.error?.issues?.length ? (
        <ul className="field-error" data-testid="tariff-issues">
          {save.error.issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {saved ? (
        <p className="ok-text" data-testid="tariff-saved">
          {saved}
        </p>
      ) : null}
      {canEdit ? (
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={save.busy}
            onClick={() => void save.run()}
            data-testid="tariff-save"
          >
            Save tariff
          </button>
        </div>
      ) : null}
    </div>
  );
}
