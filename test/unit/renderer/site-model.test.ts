import { describe, expect, it } from 'vitest';
import type { Device } from '../../../shared/domain/device.ts';
import type { Entity } from '../../../shared/domain/entity.ts';
import type { Zone } from '../../../shared/domain/zone.ts';
import type { SiteState } from '../../../renderer/store/site-store.ts';
import {
  entitiesByDevice,
  shortEntityName,
  siteSummary,
  zonePath,
  zoneTree,
} from '../../../renderer/lib/site-model.ts';

const zone = (id: string, name: string, kind: Zone['kind'], parentId: string | null): Zone => ({
  id,
  name,
  kind,
  parentId,
});
const device = (id: string, name: string, zoneId: string | null): Device => ({
  id,
  name,
  zoneId,
  adapter: 'mqtt',
  address: id,
  manufacturer: null,
  model: null,
  swVersion: null,
  availability: 'online',
  lastSeen: null,
  createdAt: 0,
});
const power = (id: string, deviceId: string, name: string, unit = 'W'): Entity => ({
  id,
  deviceId,
  key: id,
  name,
  kind: 'sensor',
  deviceClass: 'power',
  unit,
  writable: false,
  attributes: {},
  createdAt: 0,
});

function site(
  zones: Zone[],
  devices: Device[],
  entities: Entity[],
  values: Record<string, number>,
): SiteState {
  const states: SiteState['states'] = {};
  for (const [id, value] of Object.entries(values))
    states[id] = { value, ts: 1, source: 'mqtt', quality: 'good' };
  return {
    loaded: true,
    zones: Object.fromEntries(zones.map((z) => [z.id, z])),
    devices: Object.fromEntries(devices.map((d) => [d.id, d])),
    entities: Object.fromEntries(entities.map((e) => [e.id, e])),
    states,
  };
}

describe('zones', () => {
  const zones = [
    zone('s', 'Site', 'site', null),
    zone('b', 'Main building', 'building', 's'),
    zone('f1', 'First floor', 'floor', 'b'),
    zone('f0', 'Ground floor', 'floor', 'b'),
    zone('r2', 'Room 10', 'room', 'f1'),
    zone('r1', 'Room 9', 'room', 'f1'),
    zone('orphan', 'Lost room', 'room', 'missing-parent'),
  ];
  const s = site(zones, [device('d1', 'Sensor', 'r1')], [], {});

  it('builds the tree, sorts by name naturally, and keeps orphans as roots', () => {
    const tree = zoneTree(s);
    expect(tree.map((n) => n.zone.id)).toEqual(['s', 'orphan']);
    const floors = tree[0]!.children[0]!.children;
    expect(floors.map((n) => n.zone.name)).toEqual(['First floor', 'Ground floor']);
    expect(floors[0]!.children.map((n) => n.zone.name)).toEqual(['Room 9', 'Room 10']);
    expect(floors[0]!.children[0]!.devices.map((d) => d.id)).toEqual(['d1']);
  });

  it('names a zone by its path without the site, and survives a parent cycle', () => {
    expect(zonePath(s, 'r1')).toBe('Main building › First floor › Room 9');
    expect(zonePath(s, null)).toBe('');
    const cyclic = site([zone('a', 'A', 'room', 'b'), zone('b', 'B', 'floor', 'a')], [], [], {});
    expect(zonePath(cyclic, 'a')).toBe('B › A');
    // Bad data must not hide zones: a cycle is broken so both still appear exactly once.
    const tree = zoneTree(cyclic);
    const ids: string[] = [];
    const walk = (ns: typeof tree) => ns.forEach((n) => (ids.push(n.zone.id), walk(n.children)));
    walk(tree);
    expect(ids.sort()).toEqual(['a', 'b']);
  });
});

describe('siteSummary', () => {
  it('nets meter import against export and sums PV, converting kW', () => {
    const s = site(
      [],
      [
        device('m', 'Main meter', null),
        device('pv', 'PV inverter', null),
        device('p', 'Coffee machine', null),
      ],
      [
        power('m.imp', 'm', 'Import power'),
        power('m.exp', 'm', 'Export power'),
        power('pv.p', 'pv', 'PV power', 'kW'),
        power('p.p', 'p', 'Power'),
      ],
      { 'm.imp': 1200, 'm.exp': 200, 'pv.p': 3.5, 'p.p': 900 },
    );
    const sum = siteSummary(s, entitiesByDevice(s));
    expect(sum.gridPowerW).toBe(1000);
    expect(sum.pvPowerW).toBe(3500);
    expect(sum.devicesOnline).toBe(3);
  });

  it('reports unknown rather than zero when there is no meter', () => {
    const s = site([], [device('p', 'Plug', null)], [power('p.p', 'p', 'Power')], { 'p.p': 5 });
    expect(siteSummary(s, entitiesByDevice(s))).toMatchObject({ gridPowerW: null, pvPowerW: null });
  });
});

describe('shortEntityName', () => {
  it('drops the device name prefix and labels same-named entities by class', () => {
    const e = power('x', 'd', 'Coffee machine power');
    expect(shortEntityName(e, 'Coffee machine')).toBe('power');
    expect(shortEntityName({ ...e, name: 'Coffee machine', deviceClass: 'outlet' }, 'Coffee machine')).toBe(
      'Outlet',
    );
    expect(shortEntityName({ ...e, name: 'Temperature' }, 'Office multisensor')).toBe('Temperature');
  });
});
