import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { AdapterSettings } from '../../../shared/api/methods/adapter-settings.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { SchemaForm, type FormValues, type JsonSchema } from '../../components/SchemaForm.tsx';
import { useAdapters } from '../../store/adapters-store.ts';
import { useSessionObject } from '../../store/context.ts';
import { useAction } from '../../lib/use-action.ts';

/** Settings > Adapters: one form per running device family, built from the family's own schema. */
export function AdapterSettingsPanel() {
  const session = useSessionObject();
  const adapters = useAdapters(session);
  return (
    <div className="stack" data-testid="adapter-settings-panel">
      {adapters === null ? <p className="muted">Loading…</p> : null}
      {Object.values(adapters ?? {}).map((a) => (
        <AdapterForm key={a.id} adapterId={a.id} description={a.description} />
      ))}
    </div>
  );
}

function AdapterForm({ adapterId, description }: { adapterId: string; description: string }) {
  const session = useSessionObject();
  const [settings, setSettings] = useState<AdapterSettings | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const [savedTo, setSavedTo] = useState<string | null>(null);
  const load = useAction(async () => {
    const s = await session.call('adapters.config.get', { adapter: adapterId });
    setSettings(s);
    setValues((s.config ?? {}) as FormValues);
  });
  const save = useAction(async () => {
    setSavedTo(null);
    const r = await session.call('adapters.config.set', { adapter: adapterId, config: values });
    setSettings(r.settings);
    setValues((r.settings.config ?? {}) as FormValues);
    setSavedTo(r.savedTo);
  });
  useEffect(() => {
    void load.run();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- load once per adapter
  }, [adapterId]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  const readOnly = settings?.managedBy != null;
  return (
    <section className="card narrow" data-testid={`adapter-settings-${adapterId}`}>
      <h3>{settings?.name ?? adapterId}</h3>
      <p className="muted">{description}</p>
      <ErrorText error={load.error} testId={`adapter-settings-${adapterId}-load-error`} />
      {settings ? (
        <form onSubmit={submit} noValidate>
          {readOnly ? (
            <p className="muted" data-testid={`adapter-settings-${adapterId}-managed`}>
              Configured by {settings.managedBy}; shown for reference.
            </p>
          ) : null}
          <SchemaForm
            schema={settings.schema as JsonSchema}
            values={values}
            onChange={(next) => {
              setSavedTo(null);
              setValues(next);
            }}
            error={save.error}
            disabled={readOnly || save.busy}
            testId={`adapter-settings-${adapterId}-form`}
          />
          <ErrorText error={save.error} testId={`adapter-settings-${adapterId}-error`} />
          {savedTo ? (
            <p className="ok-text" role="status" data-testid={`adapter-settings-${adapterId}-saved`}>
              Applied: the adapter restarted with these settings, saved to {savedTo}.
            </p>
          ) : null}
          {readOnly ? null : (
            <button
              className="btn btn-primary"
              type="submit"
              disabled={save.busy}
              data-testid={`adapter-settings-${adapterId}-save`}
            >
              {save.busy ? 'Restarting…' : 'Save and restart adapter'}
            </button>
          )}
        </form>
      ) : null}
    </section>
  );
}
