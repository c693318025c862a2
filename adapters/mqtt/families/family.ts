import type {
  AdapterSink,
  BusMessage,
  DeviceAnnouncement,
  EntityAnnouncement,
  Logger,
  MqttBus,
} from '../../../shared/adapter/contract.ts';
import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { StateValue } from '../../../shared/domain/entity.ts';
import { LogThrottle } from '../../../shared/log-throttle.ts';

export interface FamilyContext {
  bus: MqttBus;
  sink: AdapterSink;
  log: Logger;
  now(): number;
}

/** One firmware family (Tasmota, Shelly, Zigbee2MQTT...) speaking its own topics on the embedded broker. */
export interface DeviceFamily {
  readonly id: string;
  start(ctx: FamilyContext): void;
  stop(): void;
  owns(address: string): boolean;
  /** the client that announced a device the family knows (null: the core), undefined when unknown */
  ownerOf(address: string): string | null | undefined;
  /** the devices one client announced */
  ownedBy(clientId: string): string[];
  execute(address: string, key: string, cmd: EntityCommand): Promise<void>;
  forget(address: string): void;
  diagnostics(): Record<string, unknown>;
  /** handles a message as if it had arrived on the bus (replay of an adopted device's announcements) */
  ingest(msg: BusMessage): void;
}

export const MAX_FAMILY_PAYLOAD = 64 * 1024;
const MAX_DEVICES = 5_000;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A payload as JSON, or a reason; never throws, so hostile input only costs a log line. */
export function readJson(payload: Uint8Array): { ok: true; json: unknown } | { ok: false; reason: string } {
  const text = readText(payload);
  if (!text.ok) return text;
  try {
    return { ok: true, json: JSON.parse(text.text) };
  } catch {
    return { ok: false, reason: 'bad JSON' };
  }
}

export function readText(payload: Uint8Array): { ok: true; text: string } | { ok: false; reason: string } {
  if (payload.length > MAX_FAMILY_PAYLOAD) return { ok: false, reason: 'payload over 64 KiB' };
  try {
    return { ok: true, text: decoder.decode(payload) };
  } catch {
    return { ok: false, reason: 'payload is not valid UTF-8' };
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

interface TableDevice {
  info: Omit<DeviceAnnouncement, 'entities'>;
  owner: string | null;
  entities: Map<string, EntityAnnouncement>;
  signature: string;
  online: boolean | null;
}

/**
 * The devices one family knows, with the owner rule every family shares: a device belongs to the
 * MQTT client that announced it, and state from any other client is refused (a plug whose ACL is
 * too wide still cannot speak for the main meter).
 */
export class DeviceTable {
  readonly #devices = new Map<string, TableDevice>();
  readonly #throttle: LogThrottle;
  readonly #ctx: FamilyContext;
  rejected = 0;
  accepted = 0;
  /** the last refusal with its reason, for the adapter's diagnostics (what the installer sees) */
  lastRejection: string | null = null;

  constructor(ctx: FamilyContext) {
    this.#ctx = ctx;
    this.#throttle = new LogThrottle(10_000, ctx.now);
  }

  get size(): number {
    return this.#devices.size;
  }

  has(address: string): boolean {
    return this.#devices.has(address);
  }

  owner(address: string): string | null | undefined {
    return this.#devices.get(address)?.owner;
  }

  entity(address: string, key: string): EntityAnnouncement | undefined {
    return this.#devices.get(address)?.entities.get(key);
  }

  ownedBy(clientId: string): string[] {
    return [...this.#devices].filter(([, d]) => d.owner === clientId).map(([a]) => a);
  }

  addresses(): string[] {
    return [...this.#devices.keys()];
  }

  reject(msg: Pick<BusMessage, 'topic' | 'clientId'>, reason: string): void {
    this.rejected++;
    this.lastRejection = `${msg.topic}: ${reason}`.slice(0, 300);
    this.#throttle.warn(
      this.#ctx.log,
      `${msg.clientId}|${msg.topic}|${reason}`,
      { clientId: msg.clientId, topic: msg.topic, reason },
      'device message rejected',
    );
  }

  /** whether `clientId` may speak for `address`; logs and counts a refusal */
  mayUpdate(address: string, msg: Pick<BusMessage, 'topic' | 'clientId'>): boolean {
    const dev = this.#devices.get(address);
    if (!dev) return false;
    if (dev.owner !== null && msg.clientId !== null && msg.clientId !== dev.owner) {
      this.reject(msg, `device ${address} belongs to ${dev.owner}, not ${msg.clientId}`);
      return false;
    }
    return true;
  }

  /** adds or refreshes a device; announces only when something changed */
  upsert(
    info: Omit<DeviceAnnouncement, 'entities'>,
    entities: EntityAnnouncement[],
    msg: Pick<BusMessage, 'topic' | 'clientId'>,
  ): boolean {
    const existing = this.#devices.get(info.address);
    if (existing && existing.owner !== msg.clientId && msg.clientId !== null && existing.owner !== null) {
      this.reject(msg, `device ${info.address} belongs to ${existing.owner}`);
      return false;
    }
    if (!existing && this.#devices.size >= MAX_DEVICES) {
      this.reject(msg, 'device limit reached');
      return false;
    }
    const announcement: DeviceAnnouncement = { ...info, entities };
    const signature = JSON.stringify(announcement);
    if (existing?.signature === signature) return true;
    const next = new Map(entities.map((e) => [e.key, e]));
    this.#devices.set(info.address, {
      info,
      owner: existing?.owner ?? msg.clientId,
      entities: next,
      signature,
      online: existing?.online ?? null,
    });
    this.#ctx.sink.deviceAnnounced(announcement);
    // what the device no longer declares leaves the site (a sensor removed from its discovery)
    const dropped = existing ? [...existing.entities.keys()].filter((k) => !next.has(k)) : [];
    if (dropped.length > 0) this.#ctx.sink.entitiesRemoved?.(info.address, dropped);
    return true;
  }

  state(address: string, key: string, value: StateValue): void {
    if (!this.#devices.get(address)?.entities.has(key)) return;
    this.accepted++;
    this.#ctx.sink.stateChanged(address, key, { value, ts: this.#ctx.now(), quality: 'good' });
  }

  online(address: string, online: boolean): void {
    const dev = this.#devices.get(address);
    if (!dev || dev.online === online) return;
    dev.online = online;
    this.#ctx.sink.availabilityChanged(address, online);
  }

  remove(address: string): void {
    if (!this.#devices.delete(address)) return;
    this.#ctx.sink.deviceRemoved(address);
  }

  /** the device took itself off the site (an empty retained discovery config) */
  withdraw(address: string): void {
    if (!this.#devices.delete(address)) return;
    if (this.#ctx.sink.deviceWithdrawn) this.#ctx.sink.deviceWithdrawn(address);
    else this.#ctx.sink.deviceRemoved(address);
  }

  forget(address: string): void {
    this.#devices.delete(address);
  }
}
