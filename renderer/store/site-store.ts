import { useSyncExternalStore } from 'react';
import type { ApiEvent } from '../../shared/api/events.ts';
import type { Snapshot } from '../../shared/api/methods.ts';
import type { Device } from '../../shared/domain/device.ts';
import type { Entity, EntityState } from '../../shared/domain/entity.ts';
import type { Zone } from '../../shared/domain/zone.ts';

/** The site as the UI sees it: immutable; each change produces a new object so React can compare. */
export type SiteState = {
  loaded: boolean;
  zones: Record<string, Zone>;
  devices: Record<string, Device>;
  entities: Record<string, Entity>;
  states: Record<string, EntityState>;
};

const EMPTY: SiteState = { loaded: false, zones: {}, devices: {}, entities: {}, states: {} };

function byId<T extends { id: string }>(items: T[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items) out[item.id] = item;
  return out;
}

export function fromSnapshot(s: Snapshot): SiteState {
  return {
    loaded: true,
    zones: byId(s.zones),
    devices: byId(s.devices),
    entities: byId(s.entities),
    states: { ...s.states },
  };
}

/** Applies a batch of events with at most one copy per touched table (events arrive in bursts). */
export function applyEvents(prev: SiteState, events: ApiEvent[]): SiteState {
  let zones: SiteState['zones'] | null = null;
  let devices: SiteState['devices'] | null = null;
  let entities: SiteState['entities'] | null = null;
  let states: SiteState['states'] | null = null;
  for (const e of events) {
    switch (e.type) {
      case 'state':
        (states ??= { ...prev.states })[e.entityId] = e.state;
        break;
      case 'device':
        (devices ??= { ...prev.devices })[e.device.id] = e.device;
        break;
      case 'device.removed': {
        delete (devices ??= { ...prev.devices })[e.deviceId];
        // its entities and their states leave the site with it
        const current = entities ?? prev.entities;
        for (const entity of Object.values(current)) {
          if (entity.deviceId !== e.deviceId) continue;
          delete (entities ??= { ...prev.entities })[entity.id];
          delete (states ??= { ...prev.states })[entity.id];
        }
        break;
      }
      case 'device.seen':
        for (const [id, ts] of Object.entries(e.seen)) {
          const device = (devices ?? prev.devices)[id];
          if (device) (devices ??= { ...prev.devices })[id] = { ...device, lastSeen: ts };
        }
        break;
      case 'entity':
        (entities ??= { ...prev.entities })[e.entity.id] = e.entity;
        break;
      case 'zone':
        (zones ??= { ...prev.zones })[e.zone.id] = e.zone;
        break;
      case 'zone.removed':
        delete (zones ??= { ...prev.zones })[e.zoneId];
        break;
    }
  }
  return {
    loaded: prev.loaded,
    zones: zones ?? prev.zones,
    devices: devices ?? prev.devices,
    entities: entities ?? prev.entities,
    states: states ?? prev.states,
  };
}

/**
 * The live site. A snapshot replaces everything (a reconnect never leaves stale rows); events are
 * batched for one frame interval so a burst of state changes re-renders once.
 */
export class SiteStore {
  #state: SiteState = EMPTY;
  #queue: ApiEvent[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #listeners = new Set<() => void>();
  #batchMs: number;

  constructor(batchMs = 50) {
    this.#batchMs = batchMs;
  }

  get = (): SiteState => this.#state;

  subscribe = (cb: () => void): (() => void) => {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  };

  replace(snapshot: Snapshot): void {
    this.#queue = [];
    this.#set(fromSnapshot(snapshot));
  }

  clear(): void {
    this.#queue = [];
    this.#set(EMPTY);
  }

  push(event: ApiEvent): void {
    this.#queue.push(event);
    if (this.#flushTimer === null) this.#flushTimer = setTimeout(() => this.#flush(), this.#batchMs);
  }

  #flush(): void {
    this.#flushTimer = null;
    const events = this.#queue;
    this.#queue = [];
    if (events.length > 0 && this.#state.loaded) this.#set(applyEvents(this.#state, events));
  }

  #set(next: SiteState): void {
    this.#state = next;
    for (const cb of [...this.#listeners]) cb();
  }
}

export function useSite(store: SiteStore): SiteState {
  return useSyncExternalStore(store.subscribe, store.get);
}
