import { useState } from 'react';
import { useSessionObject } from '../../store/context.ts';
import { useAction } from '../../lib/use-action.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/** Uploads a day-ahead price file (ENTSO-E CSV, aWATTar, Tibber, Nord Pool, Octopus or generic JSON). */
export function PriceUpload({ canEdit, onImported }: { canEdit: boolean; onImported: () => void }) {
  const session = useSessionObject();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const upload = useAction(async () => {
    if (!file) return;
    setResult(null);
    const r = await session.call('energy.uploadPrices', { fileName: file.name, text: file.text });
    setResult(
      `Imported ${r.count} prices (${r.format}) from ${new Date(r.from).toLocaleString()} to ${new Date(r.to).toLocaleString()}${r.replaced ? `, replacing ${r.replaced}` : ''}.`,
    );
    onImported();
  });
  if (!canEdit) return <p className="muted small">Your role may not upload prices.</p>;
  return (
    <div className="stack" data-testid="price-upload">
      <div className="form-actions">
        <label className="btn">
          Choose price file…
          <input
            type="file"
            accept=".csv,.json,text/csv,application/json"
            hidden
            data-testid="price-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void f.text().then((text) => setFile({ name: f.name, text }));
            }}
          />
        </label>
        <span className="muted small" data-testid="price-file-name">
          {file ? file.name : 'no file chosen'}
        </span>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!file || upload.busy}
          onClick={() => void upload.run()}
          data-testid="price-upload-button"
        >
          Upload prices
        </button>
      </div>
      <ErrorText error={upload.error} testId="price-error" />
      {upload.error?.issues?.length ? (
        <ul className="field-error small">
          {upload.error.issues.slice(0, 8).map((i) => (
            <li key={i.message}>{i.message}</li>
          ))}
        </ul>
      ) : null}
      {result ? (
        <p className="ok-text" data-testid="price-result">
          {result}
        </p>
      ) : null}
    </div>
  );
}
