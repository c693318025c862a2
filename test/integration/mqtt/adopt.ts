import type mqtt from 'mqtt';
import type { DeviceConnectionSettings } from '../../../shared/adapter/contract.ts';
import { connectClient, endClient, waitFor } from '../broker/helpers.ts';
import type { Harness } from './harness.ts';

export const publish = (c: mqtt.MqttClient, topic: string, body: unknown, retain = false) =>
  c.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1, retain });

/**
 * The README's commissioning flow with real clients: open the window, let a fresh device (no
 * credential) announce itself, adopt its candidate, then reconnect it with the settings adoption
 * returned, as an installer types them into the device's web page.
 */
export async function adoptThroughWindow(
  h: Harness,
  enrollClientId: string,
  announce: (fresh: mqtt.MqttClient) => Promise<unknown>,
): Promise<{ device: mqtt.MqttClient; connection: DeviceConnectionSettings; address: string }> {
  const commissioning = h.adapter.commissioning!;
  await commissioning.open(60);
  const fresh = await connectClient(h.port, { clientId: enrollClientId });
  await announce(fresh);
  const cand = await waitFor(() => commissioning.candidates()[0], 3000, 'candidate');
  const { address, connection } = (await commissioning.adopt(cand.id, {})) as {
    address: string;
    connection: DeviceConnectionSettings;
  };
  await endClient(fresh);
  await commissioning.close();
  const device = await connectClient(h.port, {
    clientId: connection.clientId,
    username: connection.username,
    password: connection.password,
  });
  h.clients.push(device);
  return { device, connection, address };
}
