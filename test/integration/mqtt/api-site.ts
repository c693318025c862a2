import mqtt from 'mqtt';
import { expect } from 'vitest';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';

/**
 * The README's flow against a real Truss: first-run setup, commissioning.open, a fresh device
 * announces itself, commissioning.adopt, the device reconnects with the settings it was given.
 */
export interface Snapshot {
  devices: Array<{ id: string; address: string; name: string }>;
  entities: Array<{ id: string; deviceId: string; key: string; unit: string | null; kind: string }>;
  states: Record<string, { value: unknown } | undefined>;
}

export interface ApiSite {
  t: TestTruss;
  token: string;
  port: number;
  clients: mqtt.MqttClient[];
  snapshot(): Promise<Snapshot>;
  connect(opts: mqtt.IClientOptions): Promise<mqtt.MqttClient>;
  adopt(
    enrollId: string,
    announce: (c: mqtt.MqttClient) => Promise<unknown>,
    candidateId: string,
  ): Promise<{ device: mqtt.MqttClient; deviceId: string }>;
  stop(): Promise<void>;
}

export async function startApiSite(): Promise<ApiSite> {
  const t = await startTestTruss();
  const token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
    .result.token as string;
  const port = t.truss.core.mqttListeners.port;
  const clients: mqtt.MqttClient[] = [];
  const connect = (opts: mqtt.IClientOptions): Promise<mqtt.MqttClient> =>
    new Promise((resolve, reject) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
        reconnectPeriod: 0,
        connectTimeout: 5000,
        protocolVersion: 4,
        ...opts,
      });
      c.once('connect', () => {
        clients.push(c);
        resolve(c);
      });
      c.once('error', (err) => {
        c.end(true);
        reject(err);
      });
    });
  const snapshot = async () => (await t.call('site.snapshot', {}, token)).body.result as Snapshot;
  return {
    t,
    token,
    port,
    clients,
    snapshot,
    connect,
    async adopt(enrollId, announce, candidateId) {
      expect((await t.call('commissioning.open', { adapter: 'mqtt', seconds: 60 }, token)).status).toBe(200);
      const fresh = await connect({ clientId: enrollId });
      await announce(fresh);
      await until(
        async () => {
          const s = (await t.call('commissioning.status', {}, token)).body.result as Array<{
            adapter: string;
            candidates: Array<{ id: string }>;
          }>;
          return s.find((x) => x.adapter === 'mqtt')?.candidates.some((c) => c.id === candidateId);
        },
        5000,
        'candidate',
      );
      const adopted = await t.call('commissioning.adopt', { adapter: 'mqtt', candidateId }, token);
      expect(adopted.status).toBe(200);
      const { id, connection } = adopted.body.result as {
        id: string;
        connection: { username: string; password: string; clientId: string };
      };
      fresh.end(true);
      const device = await connect({
        clientId: connection.clientId,
        username: connection.username,
        password: connection.password,
      });
      return { device, deviceId: id };
    },
    async stop() {
      for (const c of clients.splice(0)) c.end(true);
      await t.stop();
    },
  };
}

export const pubRetained = (c: mqtt.MqttClient, topic: string, body: unknown) =>
  c.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1, retain: true });
