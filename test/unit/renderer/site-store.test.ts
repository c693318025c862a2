import { describe, expect, it, vi } from 'vitest';
import type { Snapshot } from '../../../shared/api/methods.ts';
import type { Device } from '../../../shared/domain/device.ts';
import { SiteStore, applyEvents, fromSnapshot } from '../../../renderer/store/site-store.ts';

const device = (id: string, name: string, zoneId: string | null = null): Device => ({
  id,
  name,
  zoneId,
  adapter: 'mqtt',
  address: id,
  manufacturer: null,
  model: null,
  swVersion: null,
  availability: 'online',
  lastSeen: 1,
  createdAt: 1,
});

const snap = (): Snapshot => ({
  zones: [{ id: 'z1', name: 'Office', kind: 'room', parentId: null }],
  devices: [device('d1', 'Plug', 'z1')],
  entities: [
    {
      id: 'switch.plug',
      deviceId: 'd1',
      key: 'outlet',
      name: 'Plug',
      kind: 'switch',
      deviceClass: 'outlet',
      unit: null,
      writable: true,
      attributes: {},
      createdAt: 1,
    },
  ],
  states: { 'switch.plug': { value: false, ts: 1, source: 'mqtt', quality: 'good' } },
});

describe('applyEvents', () => {
  it('patches only the touched tables and leaves the input untouched', () => {
    const before = fromSnapshot(snap());
    const after = applyEvents(before, [
      {
        type: 'state',
        entityId: 'switch.plug',
        state: { value: true, ts: 2, source: 'mqtt', quality: 'good' },
      },
    ]);
    expect(after.states['switch.plug']!.value).toBe(true);
    expect(before.states['switch.plug']!.value).toBe(false);
    expect(after.devices).toBe(before.devices);
    expect(after.zones).toBe(before.zones);
    expect(after.states).not.toBe(before.states);
  });

  it('adds, replaces and removes devices and zones', () => {
    const s = applyEvents(fromSnapshot(snap()), [
      { type: 'device', device: device('d2', 'Lamp') },
      { type: 'device', device: { ...device('d1', 'Renamed plug'), zoneId: 'z1' } },
      { type: 'zone', zone: { id: 'z2', name: 'Kitchen', kind: 'room', parentId: null } },
      { type: 'zone.removed', zoneId: 'z1' },
      { type: 'device.removed', deviceId: 'd2' },
    ]);
    expect(Object.keys(s.devices)).toEqual(['d1']);
    expect(s.devices.d1!.name).toBe('Renamed plug');
    expect(Object.keys(s.zones)).toEqual(['z2']);
  });

  it("drops a removed device's entities and states with it", () => {
    const s = applyEvents(fromSnapshot(snap()), [{ type: 'device.removed', deviceId: 'd1' }]);
    expect(s.devices).toEqual({});
    expect(s.entities).toEqual({});
    expect(s.states).toEqual({});
  });

  it('moves last-seen times on from coalesced device.seen events, ignoring unknown devices', () => {
    const before = fromSnapshot(snap());
    const s = applyEvents(before, [{ type: 'device.seen', seen: { d1: 500, ghost: 600 } }]);
    expect(s.devices.d1!.lastSeen).toBe(500);
    expect(s.devices.ghost).toBeUndefined();
    expect(before.devices.d1!.lastSeen).toBe(1);
  });

  it('tolerates removals of unknown ids', () => {
    const before = fromSnapshot(snap());
    const after = applyEvents(before, [
      { type: 'device.removed', deviceId: 'nope' },
      { type: 'zone.removed', zoneId: 'nope' },
    ]);
    expect(after.devices).toEqual(before.devices);
  });
});

describe('SiteStore', () => {
  it('batches a burst of events into one update and a snapshot replaces everything', () => {
    vi.useFakeTimers();
    try {
      const store = new SiteStore(50);
      let renders = 0;
      store.subscribe(() => renders++);
      store.replace(snap());
      expect(renders).toBe(1);
      for (let i = 0; i < 100; i++) {
        store.push({
          type: 'state',
          entityId: 'switch.plug',
          state: { value: i % 2 === 0, ts: 10 + i, source: 'mqtt', quality: 'good' },
        });
      }
      expect(renders).toBe(1);
      vi.advanceTimersByTime(60);
      expect(renders).toBe(2);
      expect(store.get().states['switch.plug']!.ts).toBe(109);

      // A reconnect's snapshot wins over events still queued from the old connection.
      store.push({ type: 'device', device: device('ghost', 'Stale') });
      const fresh = snap();
      fresh.devices = [device('d9', 'Only this one')];
      store.replace(fresh);
      vi.advanceTimersByTime(60);
      expect(Object.keys(store.get().devices)).toEqual(['d9']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores events before the first snapshot and after clear()', () => {
    vi.useFakeTimers();
    try {
      const store = new SiteStore(10);
      store.push({ type: 'device', device: device('d1', 'Early') });
      vi.advanceTimersByTime(20);
      expect(store.get().loaded).toBe(false);
      expect(store.get().devices).toEqual({});
      store.replace(snap());
      store.clear();
      store.push({ type: 'device', device: device('d2', 'Late') });
      vi.advanceTimersByTime(20);
      expect(store.get().devices).toEqual({});
    } finally {
      vi.useRealTimers();
    }
  });
});
