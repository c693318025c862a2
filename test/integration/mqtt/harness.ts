import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySecretStore } from '../../../main/core/secrets/memory-secret-store.ts';
import type mqtt from 'mqtt';
import { mqttAdapter } from '../../../adapters/mqtt/index.ts';
import type { MqttAclHook } from '../../../adapters/mqtt/index.ts';
import {
  createBroker,
  createCommissioningHook,
  createMemoryCredentialStore,
  type Broker,
  type CredentialStore,
} from '../../../main/core/broker/index.ts';
import type { AdapterInstance, AdapterSink, DeviceAnnouncement } from '../../../shared/adapter/contract.ts';
import type { EntityState } from '../../../shared/domain/entity.ts';
import { connectClient, endClient, recordingLogger, type LogLine } from '../broker/helpers.ts';
import { adapterFiles } from '../../../main/core/storage/private-files.ts';

/** The core's side of the adapter contract, recording what it is told. */
export class RecordingSink implements AdapterSink {
  announced: DeviceAnnouncement[] = [];
  states: Array<{ address: string; key: string; state: Omit<EntityState, 'source'> }> = [];
  availability: Array<{ address: string; online: boolean }> = [];
  removed: string[] = [];
  deviceAnnounced(d: DeviceAnnouncement): void {
    this.announced.push(structuredClone(d));
  }
  stateChanged(address: string, key: string, state: Omit<EntityState, 'source'>): void {
    this.states.push({ address, key, state: structuredClone(state) });
  }
  availabilityChanged(address: string, online: boolean): void {
    this.availability.push({ address, online });
  }
  deviceRemoved(address: string): void {
    this.removed.push(address);
  }
  lastDevice(address: string): DeviceAnnouncement | undefined {
    return this.announced.filter((d) => d.address === address).at(-1);
  }
  valuesOf(key: string): unknown[] {
    return this.states.filter((s) => s.key === key).map((s) => s.state.value);
  }
}

export interface Harness {
  broker: Broker;
  port: number;
  store: CredentialStore;
  lines: LogLine[];
  sink: RecordingSink;
  adapter: AdapterInstance;
  clients: mqtt.MqttClient[];
  /** a real device client whose credential may publish its discovery configs and its own topic tree */
  device(
    id: string,
    extra?: mqtt.IClientOptions,
    acl?: { publish: string[]; subscribe: string[] },
  ): Promise<mqtt.MqttClient>;
  stop(): Promise<void>;
}

export function deviceAcl(id: string): { publish: string[]; subscribe: string[] } {
  return {
    publish: [`homeassistant/+/${id}/+/config`, `homeassistant/device/${id}/config`, `${id}/#`],
    subscribe: [`${id}/#`, 'homeassistant/status'],
  };
}

export async function startHarness(
  opts: {
    startAdapter?: boolean;
    mqttAcl?: (s: CredentialStore) => MqttAclHook;
    maxPayloadBytes?: number;
    /** hand the adapter the broker's commissioning hook, as the core does */
    commissioning?: boolean;
  } = {},
): Promise<Harness> {
  const lines: LogLine[] = [];
  const log = recordingLogger(lines);
  const store = createMemoryCredentialStore();
  const broker = createBroker({
    host: '127.0.0.1',
    port: 0,
    credentials: store,
    log,
    limits: { maxPayloadBytes: opts.maxPayloadBytes },
  });
  const { port } = await broker.start();
  const sink = new RecordingSink();
  const dataDir = mkdtempSync(join(tmpdir(), 'truss-mqtt-'));
  const ctx = {
    log,
    sink,
    now: () => Date.now(),
    dataDir,
    files: adapterFiles(dataDir),
    secrets: createMemorySecretStore(),
    mqtt: broker.bus,
    mqttAcl: opts.mqttAcl?.(store),
    mqttCommissioning: opts.commissioning
      ? createCommissioningHook(broker, () => ({ host: '127.0.0.1', port, tlsPort: null }))
      : undefined,
  };
  const adapter = mqttAdapter.setup(ctx, mqttAdapter.manifest.configSchema.parse({}));
  if (opts.startAdapter !== false) await adapter.start();
  const clients: mqtt.MqttClient[] = [];
  return {
    broker,
    port,
    store,
    lines,
    sink,
    adapter,
    clients,
    async device(id, extra = {}, acl = deviceAcl(id)) {
      const cred = await broker.issueCredential(id, acl);
      const c = await connectClient(port, { clientId: id, username: id, password: cred.password, ...extra });
      clients.push(c);
      return c;
    },
    async stop() {
      await adapter.stop();
      await Promise.all(clients.map(endClient));
      await broker.stop();
    },
  };
}

export const rejections = (lines: LogLine[]): string[] =>
  lines
    .filter((l) => l.msg === 'discovery config rejected' || l.msg === 'state payload rejected')
    .map((l) => String(l.obj.reason));
