import { useState } from 'react';
import type { FormEvent } from 'react';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';

/**
 * For devices that join only with a key given beforehand (a Zigbee install code, typed or pasted
 * from the QR payload printed on the device: Z:<ieee>$I:<code>...). Handing it over also opens the
 * network. The label and example come from the family's manifest.
 */
export function PreJoinSecret({
  adapter,
  label,
  placeholder,
}: {
  adapter: string;
  label: string;
  placeholder: string;
}) {
  const session = useSessionObject();
  const [code, setCode] = useState('');
  const [done, setDone] = useState(false);
  const submit = useAction(async () => {
    await session.call('commissioning.open', { adapter, seconds: 254, installCode: code.trim() });
    setDone(true);
    setCode('');
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    void submit.run();
  };
  return (
    <form className="row" onSubmit={onSubmit} data-testid="pre-join-secret">
      <label>
        {label}{' '}
        <input
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder={placeholder}
          className="mono"
          size={42}
        />
      </label>
      <button type="submit" disabled={submit.busy || code.trim() === ''}>
        Add code and open
      </button>
      {done ? <span className="muted small">Code accepted: power the device on now.</span> : null}
      <ErrorText error={submit.error} testId="pre-join-secret-error" />
    </form>
  );
}
