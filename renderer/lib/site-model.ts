import { numericValue } from '../../shared/domain/entity.ts';
import type { Entity } from '../../shared/domain/entity.ts';
import type { Zone } from '../../shared/domain/zone.ts';
import type { Device } from '../../shared/domain/device.ts';
import type { SiteState } from '../store/site-store.ts';

export type ZoneNode = { zone: Zone; children: ZoneNode[]; devices: Device[] };

const KIND_ORDER: Record<Zone['kind'], number> = { site: 0, building: 1, floor: 2, room: 3 };

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name.localeCompare(b.name, 'en', { numeric: true });
}

/** The zone forest (site > building > floor > room) with each zone's directly assigned devices. */
export function zoneTree(site: SiteState): ZoneNode[] {
  const nodes = new Map<string, ZoneNode>();
  for (const zone of Object.values(site.zones)) nodes.set(zone.id, { zone, children: [], devices: [] });
  const roots: ZoneNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.zone.parentId ? nodes.get(node.zone.parentId) : undefined;
    // A parent id that points nowhere (or at itself) makes the zone a root rather than hiding it.
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  breakCycles(nodes, roots);
  for (const device of Object.values(site.devices)) {
    if (device.zoneId) nodes.get(device.zoneId)?.devices.push(device);
  }
  const sort = (list: ZoneNode[]) => {
    list.sort((a, b) => KIND_ORDER[a.zone.kind] - KIND_ORDER[b.zone.kind] || byName(a.zone, b.zone));
    for (const n of list) {
      n.devices.sort(byName);
      sort(n.children);
    }
  };
  sort(roots);
  return roots;
}

/** Zones in a parent cycle are unreachable from any root: detach one per cycle so none is hidden. */
function breakCycles(nodes: Map<string, ZoneNode>, roots: ZoneNode[]): void {
  const reached = new Set<ZoneNode>();
  const mark = (n: ZoneNode) => {
    if (reached.has(n)) return;
    reached.add(n);
    n.children.forEach(mark);
  };
  roots.forEach(mark);
  for (const node of nodes.values()) {
    if (reached.has(node)) continue;
    const parent = node.zone.parentId ? nodes.get(node.zone.parentId) : undefined;
    if (parent) parent.children = parent.children.filter((c) => c !== node);
    roots.push(node);
    mark(node);
  }
}

/** "Building A › Floor 1 › Office"; guards against a parent cycle in bad data. */
export function zonePath(site: SiteState, zoneId: string | null): string {
  if (!zoneId) return '';
  const names: string[] = [];
  const seen = new Set<string>();
  let z = site.zones[zoneId];
  while (z && !seen.has(z.id)) {
    seen.add(z.id);
    if (z.kind !== 'site') names.unshift(z.name);
    z = z.parentId ? site.zones[z.parentId] : undefined;
  }
  return names.join(' › ');
}

export function entitiesByDevice(site: SiteState): Map<string, Entity[]> {
  const out = new Map<string, Entity[]>();
  for (const e of Object.values(site.entities)) {
    const list = out.get(e.deviceId);
    if (list) list.push(e);
    else out.set(e.deviceId, [e]);
  }
  for (const list of out.values()) list.sort(entityOrder);
  return out;
}

const KIND_RANK: Record<Entity['kind'], number> = {
  climate: 0,
  light: 1,
  switch: 2,
  cover: 3,
  sensor: 4,
  binary_sensor: 5,
  battery: 6,
  event: 7,
};

export function entityOrder(a: Entity, b: Entity): number {
  return KIND_RANK[a.kind] - KIND_RANK[b.kind] || byName(a, b);
}

export function isControllable(e: Entity): boolean {
  return e.writable && (e.kind === 'switch' || e.kind === 'light' || e.kind === 'climate');
}

/** Entities worth charting: anything the history store records as a number. */
export function isChartable(e: Entity): boolean {
  return e.kind !== 'event' && e.kind !== 'cover';
}

export type SiteSummary = {
  gridPowerW: number | null;
  pvPowerW: number | null;
  devicesOnline: number;
  devicesTotal: number;
};

const PV_WORDS = /\b(pv|solar|inverter|photovoltaic)/i;
const EXPORT_WORDS = /export|feed.?in|return/i;
const METER_WORDS = /\b(main meter|meter|grid|mains|import)/i;

function powerInWatts(e: Entity, v: number): number {
  return e.unit === 'kW' ? v * 1000 : v;
}

/**
 * The headline figures for the site: the main meter's power and PV production, found by the device
 * class 'power' on devices whose name says meter or PV (the demo site and real HA discovery both name them so).
 */
export function siteSummary(site: SiteState, byDevice: Map<string, Entity[]>): SiteSummary {
  let grid: number | null = null;
  let pv: number | null = null;
  let online = 0;
  const devices = Object.values(site.devices);
  for (const d of devices) {
    if (d.availability === 'online') online++;
    const label = `${d.name} ${d.model ?? ''}`;
    const isPv = PV_WORDS.test(label);
    const isMeter = !isPv && METER_WORDS.test(label);
    if (!isPv && !isMeter) continue;
    for (const e of byDevice.get(d.id) ?? []) {
      if (e.deviceClass !== 'power') continue;
      const st = site.states[e.id];
      const n = st ? numericValue(st.value) : null;
      if (n === null) continue;
      const w = powerInWatts(e, n);
      if (isPv) pv = (pv ?? 0) + w;
      // A meter may report import and export as two positive powers: net = import - export.
      else grid = (grid ?? 0) + (EXPORT_WORDS.test(`${e.key} ${e.name}`) ? -w : w);
    }
  }
  return { gridPowerW: grid, pvPowerW: pv, devicesOnline: online, devicesTotal: devices.length };
}

/**
 * An entity's name without its device's name in front ("Coffee machine power" -> "Power"); an
 * entity named exactly like its device is labelled by what it is ("Outlet", "Light").
 */
export function shortEntityName(e: Entity, deviceName: string | undefined): string {
  if (deviceName) {
    if (e.name === deviceName) {
      const what = e.deviceClass ?? e.kind.replace('_', ' ');
      return what.charAt(0).toUpperCase() + what.slice(1);
    }
    if (e.name.startsWith(`${deviceName} `)) return e.name.slice(deviceName.length + 1);
  }
  return e.name;
}
