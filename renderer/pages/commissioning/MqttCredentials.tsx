import { useMemo, useState } from 'react';
import { encode } from 'uqr';
import type { Device } from '../../../shared/domain/device.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';
import { connectionOf, connectionRows, connectionUrl } from './mqtt-settings.ts';

/** A QR code drawn as SVG rectangles: no inline markup, so the strict CSP holds. */
function QrCode(props: { text: string }) {
  const qr = useMemo(() => encode(props.text, { ecc: 'M', border: 2 }), [props.text]);
  const cells: string[] = [];
  qr.data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) cells.push(`M${x} ${y}h1v1h-1z`);
    }),
  );
  return (
    <svg
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      width={200}
      height={200}
      role="img"
      aria-label="QR code of the connection settings"
      data-testid="mqtt-qr"
      shapeRendering="crispEdges"
    >
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={cells.join('')} fill="#000" />
    </svg>
  );
}

function CopyButton(props: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-sm"
      aria-label={`Copy ${props.label}`}
      data-testid={`copy-${props.label.toLowerCase().replace(/\s+/g, '-')}`}
      onClick={() => {
        void navigator.clipboard?.writeText(props.value).then(() => setCopied(true));
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/**
 * After adopting a Wi-Fi device: what to type into its web page. The password is shown here
 * once; Truss keeps only its hash, so closing this panel without noting it means re-adopting.
 */
export function MqttCredentials(props: { adapter: string; device: Device }) {
  const session = useSessionObject();
  const conn = connectionOf(props.device);
  const [tls, setTls] = useState(false);
  const ca = useAction(async () => {
    const { pem } = await session.call('mqtt.caCertificate', {});
    const url = URL.createObjectURL(new Blob([pem], { type: 'application/x-pem-file' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'truss-site-ca.pem';
    a.click();
    URL.revokeObjectURL(url);
  });
  if (!conn) return null;
  const rows = connectionRows(conn);
  const all = rows.map((r) => `${r.label}: ${r.value}`).join('\n');
  return (
    <section className="card" data-testid="mqtt-credentials">
      <h3>Type these into {props.device.name}’s web page</h3>
      <p>
        The password is shown only now. Open the device’s MQTT settings (Tasmota: Configuration → MQTT;
        Shelly: Settings → MQTT), enter the values below and save; the device reconnects as itself.
      </p>
      <table>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              <td>
                <code data-testid={`mqtt-${r.label.toLowerCase().replace(/\s+/g, '-')}`}>{r.value}</code>
              </td>
              <td>
                <CopyButton value={r.value} label={r.label} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <CopyButton value={all} label="all settings" />{' '}
        {conn.tlsPort !== null ? (
          <>
            <label>
              <input type="checkbox" checked={tls} onChange={(e) => setTls(e.target.checked)} /> QR with TLS
            </label>{' '}
            <button type="button" className="btn btn-sm" onClick={() => void ca.run()} disabled={ca.busy}>
              Download site CA
            </button>
          </>
        ) : null}
      </p>
      <ErrorText error={ca.error} />
      <QrCode text={connectionUrl(conn, tls)} />
    </section>
  );
}
