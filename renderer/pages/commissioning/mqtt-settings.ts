import type { DeviceConnection } from '../../../shared/api/commissioning.ts';

/** The settings as one line for a phone's QR scanner: a URL any MQTT app understands. */
export function connectionUrl(c: DeviceConnection, tls: boolean): string {
  const scheme = tls && c.tlsPort !== null ? 'mqtts' : 'mqtt';
  const port = tls && c.tlsPort !== null ? c.tlsPort : c.port;
  const user = `${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}`;
  const query = new URLSearchParams({ clientId: c.clientId, topic: c.topic });
  return `${scheme}://${user}@${c.host}:${port}?${query.toString()}`;
}

/** The rows of the settings table, in the order device web pages ask for them. */
export function connectionRows(c: DeviceConnection): Array<{ label: string; value: string }> {
  return [
    { label: 'Host', value: c.host },
    { label: 'Port', value: String(c.port) },
    ...(c.tlsPort !== null ? [{ label: 'TLS port', value: String(c.tlsPort) }] : []),
    { label: 'User', value: c.username },
    { label: 'Password', value: c.password },
    { label: 'Client', value: c.clientId },
    { label: 'Topic', value: c.topic },
  ];
}

/** The adopt result carries the settings once; anything else has none. */
export function connectionOf(device: unknown): DeviceConnection | null {
  const c = (device as { connection?: DeviceConnection }).connection;
  return c && typeof c.password === 'string' ? c : null;
}
