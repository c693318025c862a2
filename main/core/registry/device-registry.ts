import { randomUUID } from 'node:crypto';
import type { DeviceAnnouncement } from '../../../shared/adapter/contract.ts';
import type { Availability, Device } from '../../../shared/domain/device.ts';
import type { Entity } from '../../../shared/domain/entity.ts';
import type { Zone } from '../../../shared/domain/zone.ts';
import { CoreError } from '../errors.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { TrussDatabase } from '../storage/database.ts';
import { plain } from '../storage/database.ts';
import { proposeEntityId } from './entity-id.ts';

const addrKey = (adapter: string, address: string) => `${adapter}\u0000${address}`;

/**
 * Devices, their entities and zones. The registry maps protocol addresses onto stable ids: a
 * device announced again (re-paired, re-discovered, after a restart) keeps its id, its name, its
 * zone and its entity ids; only what the device itself reports (model, firmware) is refreshed.
 * Everything is cached in memory and written through to the database.
 */
export class DeviceRegistry {
  readonly #db: TrussDatabase;
  readonly #bus: EventBus;
  readonly #now: () => number;
  readonly devices = new Map<string, Device>();
  readonly entities = new Map<string, Entity>();
  readonly zones = new Map<string, Zone>();
  readonly #byAddress = new Map<string, string>();
  /** removed devices by adapter+address: their ids come back if they are paired again */
  readonly #removed = new Map<string, { device: Device; banned: boolean }>();
  readonly #entityByKey = new Map<string, string>();
  readonly #retiredEntities = new Map<string, Entity>();
  /** last-seen times not yet announced on the bus */
  readonly #seen = new Map<string, number>();
  /** devices whose last-seen time is not yet stored */
  readonly #unsaved = new Set<string>();

  constructor(db: TrussDatabase, bus: EventBus, now: () => number = Date.now) {
    this.#db = db;
    this.#bus = bus;
    this.#now = now;
  }

  async load(): Promise<void> {
    for (const d of await this.#db.devices.find().exec()) {
      const { removedAt, banned, ...device } = plain<
        Device & { removedAt?: number | null; banned?: boolean }
      >(d);
      if (removedAt) {
        this.#removed.set(addrKey(device.adapter, device.address), { device, banned: banned === true });
        continue;
      }
      // Nothing is known about availability until the adapter says so after this start.
      this.#putDevice({ ...device, availability: 'unknown' });
    }
    for (const e of await this.#db.entities.find().exec()) {
      const entity = plain<Entity>(e);
      // Entities of removed devices keep their ids for a later re-pairing but are not shown.
      if (this.devices.has(entity.deviceId)) this.#putEntity(entity);
      else {
        this.#retiredEntities.set(entity.id, entity);
        this.#entityByKey.set(`${entity.deviceId}\u0000${entity.key}`, entity.id);
      }
    }
    for (const z of await this.#db.zones.find().exec()) this.zones.set(z.primary, plain<Zone>(z));
  }

  #putDevice(device: Device): void {
    this.devices.set(device.id, device);
    this.#byAddress.set(addrKey(device.adapter, device.address), device.id);
  }

  #putEntity(entity: Entity): void {
    this.entities.set(entity.id, entity);
    this.#entityByKey.set(`${entity.deviceId}\u0000${entity.key}`, entity.id);
  }

  deviceByAddress(adapter: string, address: string): Device | undefined {
    const id = this.#byAddress.get(addrKey(adapter, address));
    return id ? this.devices.get(id) : undefined;
  }

  entityByKey(deviceId: string, key: string): Entity | undefined {
    const id = this.#entityByKey.get(`${deviceId}\u0000${key}`);
    return id ? (this.entities.get(id) ?? this.#retiredEntities.get(id)) : undefined;
  }

  isBanned(adapter: string, address: string): boolean {
    return this.#removed.get(addrKey(adapter, address))?.banned === true;
  }

  /**
   * Takes a device off the site. Its record stays, so pairing it again brings back its id, name,
   * zone and entity ids (and so its history); a banned device's announcements are refused.
   */
  async removeDevice(deviceId: string, ban: boolean): Promise<Device> {
    const device = this.devices.get(deviceId);
    if (!device) throw new CoreError('not_found', `No device ${deviceId}.`);
    const key = addrKey(device.adapter, device.address);
    this.devices.delete(deviceId);
    this.#byAddress.delete(key);
    this.#seen.delete(deviceId);
    const entities = this.entitiesOf(deviceId);
    for (const e of entities) {
      this.entities.delete(e.id);
      this.#retiredEntities.set(e.id, e);
    }
    const retired = { ...device, availability: 'offline' as const };
    this.#removed.set(key, { device: retired, banned: ban });
    await this.#db.devices.upsert({ ...retired, removedAt: this.#now(), banned: ban });
    this.#bus.emit('device.removed', { deviceId, entityIds: entities.map((e) => e.id) });
    return device;
  }

  /**
   * Entities the device no longer declares (its discovery dropped them): they leave the site and
   * their stored records go. Their ids stay known for this run, so a component that comes back
   * soon keeps its id.
   */
  async retireEntities(deviceId: string, keys: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const key of keys) {
      const id = this.#entityByKey.get(`${deviceId}\u0000${key}`);
      const entity = id ? this.entities.get(id) : undefined;
      if (!id || !entity) continue;
      this.entities.delete(id);
      this.#retiredEntities.set(id, entity);
      ids.push(id);
    }
    if (ids.length === 0) return ids;
    await this.#db.entities.bulkRemove(ids);
    const device = this.devices.get(deviceId);
    if (device) this.#bus.emit('device.changed', { device });
    return ids;
  }

  /** Lifts a ban so the device may be paired again. */
  async unban(adapter: string, address: string): Promise<void> {
    const entry = this.#removed.get(addrKey(adapter, address));
    if (!entry?.banned) return;
    entry.banned = false;
    await this.#db.devices.upsert({ ...entry.device, removedAt: this.#now(), banned: false });
  }

  entitiesOf(deviceId: string): Entity[] {
    return [...this.entities.values()].filter((e) => e.deviceId === deviceId);
  }

  async announce(adapter: string, ann: DeviceAnnouncement): Promise<Device | null> {
    const now = this.#now();
    const key = addrKey(adapter, ann.address);
    const removed = this.#removed.get(key);
    if (removed?.banned) return null;
    if (removed) {
      // Paired again: the old record comes back with its id, name, zone and entity ids.
      this.#removed.delete(key);
      for (const [id, e] of this.#retiredEntities) {
        if (e.deviceId === removed.device.id) {
          this.#retiredEntities.delete(id);
          this.#putEntity(e);
        }
      }
      this.#putDevice(removed.device);
    }
    const existing = this.deviceByAddress(adapter, ann.address);
    const device: Device = existing
      ? {
          ...existing,
          manufacturer: ann.manufacturer,
          model: ann.model,
          swVersion: ann.swVersion,
          lastSeen: now,
        }
      : {
          id: `dev_${randomUUID()}`,
          name: ann.name.trim().slice(0, 80) || ann.address,
          zoneId: null,
          adapter,
          address: ann.address,
          manufacturer: ann.manufacturer,
          model: ann.model,
          swVersion: ann.swVersion,
          availability: 'unknown',
          lastSeen: now,
          createdAt: now,
        };
    this.#putDevice(device);
    await this.#db.devices.upsert({ ...device, removedAt: null, banned: false });
    this.#bus.emit('device.changed', { device });

    for (const e of ann.entities) {
      const known = this.entityByKey(device.id, e.key);
      const entity: Entity = {
        id: known?.id ?? proposeEntityId(e.kind, device.name, e.name, (id) => this.entities.has(id)),
        deviceId: device.id,
        key: e.key,
        name: known?.name ?? e.name,
        kind: e.kind,
        deviceClass: e.deviceClass,
        unit: e.unit,
        writable: e.writable,
        attributes: e.attributes ?? {},
        createdAt: known?.createdAt ?? now,
      };
      // a retired entity (see retireEntities) that is declared again comes back with its id
      if (known && this.entities.has(known.id) && JSON.stringify(known) === JSON.stringify(entity)) {
        if (removed) this.#bus.emit('entity.changed', { entity });
        continue;
      }
      this.#putEntity(entity);
      await this.#db.entities.upsert(entity);
      this.#bus.emit('entity.changed', { entity });
    }
    return device;
  }

  /** Availability and last-seen are volatile: kept in memory and persisted only on change of availability. */
  async setAvailability(deviceId: string, availability: Availability): Promise<void> {
    const device = this.devices.get(deviceId);
    if (!device || device.availability === availability) return;
    const updated = {
      ...device,
      availability,
      lastSeen: availability === 'online' ? this.#now() : device.lastSeen,
    };
    this.#putDevice(updated);
    await this.#db.devices.upsert(updated);
    this.#bus.emit('device.changed', { device: updated });
  }

  /** Heard from the device: last-seen moves on at once; events and storage follow in batches. */
  touch(deviceId: string): void {
    const device = this.devices.get(deviceId);
    if (!device) return;
    device.lastSeen = this.#now();
    this.#seen.set(deviceId, device.lastSeen);
  }

  /**
   * Last-seen times changed since the previous call, emitted as one `device.seen` event. Called
   * on a timer: a site with a thousand chatty devices sends one event a second, not thousands.
   */
  publishSeen(): Record<string, number> {
    if (this.#seen.size === 0) return {};
    const seen = Object.fromEntries(this.#seen);
    this.#seen.clear();
    for (const id of Object.keys(seen)) this.#unsaved.add(id);
    this.#bus.emit('device.seen', { seen });
    return seen;
  }

  /** Writes last-seen times not yet stored (on a slower timer than the events, and at stop). */
  async saveSeen(): Promise<number> {
    const ids = [...this.#unsaved];
    this.#unsaved.clear();
    const docs = ids.flatMap((id) => {
      const d = this.devices.get(id);
      return d ? [{ ...d, removedAt: null, banned: false }] : [];
    });
    if (docs.length > 0) await this.#db.devices.bulkUpsert(docs);
    return docs.length;
  }

  async updateDevice(deviceId: string, patch: { name?: string; zoneId?: string | null }): Promise<Device> {
    const device = this.devices.get(deviceId);
    if (!device) throw new CoreError('not_found', `No device ${deviceId}.`);
    if (patch.zoneId && !this.zones.has(patch.zoneId)) {
      throw new CoreError('bad_request', 'No such zone.', [{ path: 'zoneId', message: 'unknown zone' }]);
    }
    const updated: Device = {
      ...device,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.zoneId !== undefined ? { zoneId: patch.zoneId } : {}),
    };
    this.#putDevice(updated);
    await this.#db.devices.upsert(updated);
    this.#bus.emit('device.changed', { device: updated });
    return updated;
  }

  async createZone(zone: Omit<Zone, 'id'>): Promise<Zone> {
    if (zone.parentId && !this.zones.has(zone.parentId)) {
      throw new CoreError('bad_request', 'No such parent zone.', [
        { path: 'parentId', message: 'unknown zone' },
      ]);
    }
    const created: Zone = { id: `zone_${randomUUID()}`, ...zone };
    await this.#db.zones.insert(created);
    this.zones.set(created.id, created);
    this.#bus.emit('zone.changed', { zone: created });
    return created;
  }

  async updateZone(zoneId: string, patch: { name?: string; parentId?: string | null }): Promise<Zone> {
    const zone = this.zones.get(zoneId);
    if (!zone) throw new CoreError('not_found', 'No such zone.');
    if (patch.parentId) {
      // A zone may not become its own ancestor.
      for (let p: string | null = patch.parentId; p; p = this.zones.get(p)?.parentId ?? null) {
        if (p === zoneId)
          throw new CoreError('bad_request', 'A zone cannot be inside itself.', [
            { path: 'parentId', message: 'cycle' },
          ]);
        if (!this.zones.has(p))
          throw new CoreError('bad_request', 'No such parent zone.', [
            { path: 'parentId', message: 'unknown zone' },
          ]);
      }
    }
    const updated: Zone = {
      ...zone,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.parentId !== undefined ? { parentId: patch.parentId } : {}),
    };
    await this.#db.zones.upsert(updated);
    this.zones.set(zoneId, updated);
    this.#bus.emit('zone.changed', { zone: updated });
    return updated;
  }

  async deleteZone(zoneId: string): Promise<void> {
    if (!this.zones.has(zoneId)) throw new CoreError('not_found', 'No such zone.');
    const children = [...this.zones.values()].filter((z) => z.parentId === zoneId);
    const inside = [...this.devices.values()].filter((d) => d.zoneId === zoneId);
    if (children.length > 0 || inside.length > 0) {
      throw new CoreError(
        'conflict',
        `The zone still holds ${children.length} zone(s) and ${inside.length} device(s): move them first.`,
      );
    }
    await (await this.#db.zones.findOne(zoneId).exec())?.remove();
    this.zones.delete(zoneId);
    this.#bus.emit('zone.removed', { zoneId });
  }
}
