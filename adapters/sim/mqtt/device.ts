import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from '../../../shared/adapter/contract.ts';
import type { BuildingSnapshot } from '../building/snapshot.ts';
import type { SimDeviceDefinition, StateChannel } from './entities.ts';

export interface SimDeviceSpec {
  nodeId: string;
  name: string;
  acl: { publish: string[]; subscribe: string[] };
}

export const SIM_MANUFACTURER = 'Truss Sim';
export const SIM_SW_VERSION = '0.1.0';
export const TOPIC_ROOT = 'truss-sim';
export const DISCOVERY_PREFIX = 'homeassistant';
export const HA_STATUS_TOPIC = `${DISCOVERY_PREFIX}/status`;
/** Every value is re-sent at least this often (model time), even when it has not moved. */
export const HEARTBEAT_MS = 30_000;

interface Published {
  value: string | number;
  payload: string;
  atMs: number;
}

/**
 * One simulated device: its own MQTT client, its own credentials and ACL, HA discovery, retained
 * availability with an LWT, state on change and on heartbeat, commands applied to the model.
 */
export class SimMqttDevice {
  readonly def: SimDeviceDefinition;
  readonly root: string;
  #log: Logger;
  #client: MqttClient | null = null;
  #published = new Map<string, Published>();
  #commands = new Map<string, (payload: string) => void>();
  #onCommand: () => void;
  #snapshot: () => BuildingSnapshot;
  #dropped = false;

  constructor(
    def: SimDeviceDefinition,
    log: Logger,
    snapshot: () => BuildingSnapshot,
    onCommand: () => void,
  ) {
    this.def = def;
    this.root = `${TOPIC_ROOT}/${def.nodeId}`;
    this.#log = log.child({ nodeId: def.nodeId });
    this.#snapshot = snapshot;
    this.#onCommand = onCommand;
    for (const e of def.entities)
      for (const c of e.commands) this.#commands.set(`${this.root}/${c.suffix}`, c.apply);
  }

  get nodeId(): string {
    return this.def.nodeId;
  }

  get availabilityTopic(): string {
    return `${this.root}/availability`;
  }

  spec(): SimDeviceSpec {
    const id = this.def.nodeId;
    return {
      nodeId: id,
      name: this.def.name,
      acl: {
        publish: [`${DISCOVERY_PREFIX}/+/${id}/+/config`, `${TOPIC_ROOT}/${id}/#`],
        subscribe: [`${TOPIC_ROOT}/${id}/#`, HA_STATUS_TOPIC],
      },
    };
  }

  discoveryMessages(): Array<{ topic: string; payload: string }> {
    const expand = (v: unknown) =>
      typeof v === 'string' && v.startsWith('~/') ? `${this.root}/${v.slice(2)}` : v;
    return this.def.entities.map((e) => {
      const config: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(e.config)) config[k] = expand(v);
      Object.assign(config, {
        uniq_id: `${this.def.nodeId}_${e.objectId}`,
        avty_t: this.availabilityTopic,
        pl_avail: 'online',
        pl_not_avail: 'offline',
        dev: {
          ids: [this.def.nodeId],
          name: this.def.name,
          mf: SIM_MANUFACTURER,
          mdl: this.def.model,
          sw: SIM_SW_VERSION,
        },
      });
      return {
        topic: `${DISCOVERY_PREFIX}/${e.component}/${this.def.nodeId}/${e.objectId}/config`,
        payload: JSON.stringify(config),
      };
    });
  }

  async connect(url: string, credentials: { username: string; password: string }): Promise<void> {
    const client = await connectAsync(
      url,
      {
        clientId: this.def.nodeId,
        username: credentials.username,
        password: credentials.password,
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
        will: { topic: this.availabilityTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
      },
      false,
    );
    this.#client = client;
    client.on('message', (topic, payload) => this.#onMessage(topic, payload.toString('utf8')));
    client.on('error', (err) => this.#log.warn({ err: err.message }, 'mqtt error'));
    // After a broker restart the client reconnects on its own: announce again (a fresh broker has no retained state).
    client.on(
      'connect',
      () =>
        void this.#announce().catch((err: Error) => this.#log.warn({ err: err.message }, 'announce failed')),
    );
    await client.subscribeAsync([`${this.root}/+/set`, `${this.root}/+/+/set`, HA_STATUS_TOPIC], { qos: 1 });
    await this.#announce();
  }

  async #announce(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    await Promise.all(
      this.discoveryMessages().map((m) => client.publishAsync(m.topic, m.payload, { qos: 1, retain: true })),
    );
    await client.publishAsync(this.availabilityTopic, 'online', { qos: 1, retain: true });
    this.#published.clear();
    await this.publishStates(true);
  }

  /** Publish what moved past its deadband, what is due for a heartbeat, or everything when forced. */
  async publishStates(force: boolean): Promise<void> {
    const client = this.#client;
    if (!client || this.#dropped || !client.connected) return;
    const snap = this.#snapshot();
    const sends: Array<Promise<unknown>> = [];
    for (const e of this.def.entities) {
      for (const ch of e.states) {
        const value = ch.read(snap);
        const topic = `${this.root}/${ch.suffix}`;
        const last = this.#published.get(topic);
        if (!force && last && !dueOrChanged(ch, last, value, snap.timeMs)) continue;
        const payload = typeof value === 'number' ? value.toFixed(ch.decimals ?? 2) : value;
        if (!force && last && payload === last.payload && snap.timeMs - last.atMs < HEARTBEAT_MS) continue;
        this.#published.set(topic, { value, payload, atMs: snap.timeMs });
        sends.push(client.publishAsync(topic, payload, { qos: 0, retain: true }));
      }
    }
    await Promise.all(sends);
  }

  #onMessage(topic: string, payload: string): void {
    if (topic === HA_STATUS_TOPIC) {
      if (payload === 'online') {
        void this.#announce().catch((err: Error) => this.#log.warn({ err: err.message }, 'announce failed'));
      }
      return;
    }
    const apply = this.#commands.get(topic);
    if (!apply) {
      this.#log.warn({ topic }, 'command on an unknown topic ignored');
      return;
    }
    try {
      apply(payload);
    } catch (err) {
      this.#log.warn({ topic, err: (err as Error).message }, 'command rejected');
    }
    // Echo the (possibly unchanged) truth at once, so a controller never waits for the next heartbeat;
    // then let every other device catch up (the meter moves when a plug switches).
    this.publishStates(true).catch((err: Error) => this.#log.warn({ err: err.message }, 'echo failed'));
    this.#onCommand();
  }

  /** A link drop: the socket dies without DISCONNECT, so the broker sends the LWT; the device stays down. */
  drop(): void {
    this.#dropped = true;
    this.#client?.end(true);
  }

  get connected(): boolean {
    return !this.#dropped && (this.#client?.connected ?? false);
  }

  /** A clean stop: say offline ourselves (the broker sends no LWT after DISCONNECT), then disconnect. */
  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (!client) return;
    if (!this.#dropped && client.connected) {
      await client
        .publishAsync(this.availabilityTopic, 'offline', { qos: 1, retain: true })
        .catch(() => undefined);
    }
    await client.endAsync(this.#dropped);
  }
}

function dueOrChanged(ch: StateChannel, last: Published, value: string | number, nowMs: number): boolean {
  if (nowMs - last.atMs >= HEARTBEAT_MS || nowMs < last.atMs) return true;
  if (typeof value !== 'number' || typeof last.value !== 'number') return value !== last.value;
  const band = Math.max(ch.deadband ?? 0, (ch.relative ?? 0) * Math.abs(last.value));
  return Math.abs(value - last.value) >= band;
}
