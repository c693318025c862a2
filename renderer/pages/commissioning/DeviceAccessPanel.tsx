import { useCallback, useEffect, useState } from 'react';
import type { Result } from '../../../shared/api/methods.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';

type Access = Result<'device.access.get'>;

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

/**
 * A Wi-Fi device's own broker login: the topics it may publish and subscribe to (derived from what
 * it announced at adoption), what the broker refused it (a firmware using topics its ACL does not
 * cover shows here, not only in the server log), an editor for the installer, and revocation.
 */
export function DeviceAccessPanel({ deviceId }: { deviceId: string }) {
  const session = useSessionObject();
  const [info, setInfo] = useState<Access | null>(null);
  const [publish, setPublish] = useState('');
  const [subscribe, setSubscribe] = useState('');
  const [saved, setSaved] = useState(false);

  const show = useCallback((a: Access) => {
    setInfo(a);
    setPublish(a.publish.join('\n'));
    setSubscribe(a.subscribe.join('\n'));
  }, []);
  const load = useAction(async () => show(await session.call('device.access.get', { deviceId })));
  const save = useAction(async () => {
    setSaved(false);
    show(
      await session.call('device.access.set', {
        deviceId,
        publish: lines(publish),
        subscribe: lines(subscribe),
      }),
    );
    setSaved(true);
  });
  const revoke = useAction(async () => {
    await session.call('device.access.revoke', { deviceId });
    await load.run();
  });

  useEffect(() => {
    void load.run();
    // the refused-traffic list grows while the page is open
    const t = setInterval(() => void load.run(), 10_000);
    return () => clearInterval(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- load once per device, then every 10 s
  }, [deviceId]);

  if (!info) return <ErrorText error={load.error} testId="access-load-error" />;
  return (
    <div className="stack" data-testid="device-access">
      <h4>Broker login</h4>
      <p>
        User <span className="mono">{info.username}</span>{' '}
        {info.active ? (
          <span className="badge badge-ok">active</span>
        ) : (
          <span className="badge badge-bad" data-testid="access-revoked">
            revoked: the device can no longer log in
          </span>
        )}
      </p>
      <div className="row">
        <label className="stack">
          May publish to (one topic filter per line)
          <textarea
            rows={4}
            cols={40}
            className="mono"
            value={publish}
            onChange={(e) => setPublish(e.target.value)}
            disabled={!info.active}
            data-testid="access-publish"
          />
        </label>
        <label className="stack">
          May subscribe to
          <textarea
            rows={4}
            cols={40}
            className="mono"
            value={subscribe}
            onChange={(e) => setSubscribe(e.target.value)}
            disabled={!info.active}
            data-testid="access-subscribe"
          />
        </label>
      </div>
      <div className="row">
        <button
          type="button"
          onClick={() => void save.run()}
          disabled={!info.active || save.busy}
          data-testid="access-save"
        >
          Save ACL
        </button>
        <button
          type="button"
          className="btn-danger"
          onClick={() => {
            if (window.confirm('Revoke this device’s login? It stays on the site but can no longer connect.'))
              void revoke.run();
          }}
          disabled={!info.active || revoke.busy}
          data-testid="access-revoke"
        >
          Revoke login
        </button>
        {saved ? <span className="muted small">Saved; the device reconnects under the new ACL.</span> : null}
      </div>
      <ErrorText error={save.error ?? revoke.error ?? load.error} testId="access-error" />
      <h4>Refused by the broker</h4>
      {info.outside.length === 0 ? (
        <p className="muted small" data-testid="access-outside-none">
          Nothing outside its ACL since the broker started.
        </p>
      ) : (
        <table className="table compact" data-testid="access-outside">
          <thead>
            <tr>
              <th>What</th>
              <th>Topic</th>
              <th>Times</th>
              <th>Last</th>
            </tr>
          </thead>
          <tbody>
            {info.outside.map((o) => (
              <tr key={`${o.kind} ${o.topic}`}>
                <td>{o.kind}</td>
                <td className="mono">{o.topic}</td>
                <td>{o.count}</td>
                <td>{formatDateTime(o.last)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
