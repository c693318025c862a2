import type { DeviceRegistry } from '../registry/device-registry.ts';
import type { StateStore } from '../state/state-store.ts';
import { scalarOf, usable } from './values.ts';

/**
 * Whether anyone is in a zone (or its sub-zones): any occupancy sensor there reporting occupied.
 * null when no occupancy sensor covers the zone, so a rule can tell "vacant" from "unknown".
 */
export function zoneOccupancy(registry: DeviceRegistry, states: StateStore, zoneId: string): boolean | null {
  const zones = new Set([zoneId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const z of registry.zones.values()) {
      if (z.parentId && zones.has(z.parentId) && !zones.has(z.id)) {
        zones.add(z.id);
        grew = true;
      }
    }
  }
  let seen = false;
  for (const e of registry.entities.values()) {
    if (e.kind !== 'binary_sensor' || e.deviceClass !== 'occupancy') continue;
    const d = registry.devices.get(e.deviceId);
    if (!d?.zoneId || !zones.has(d.zoneId)) continue;
    const s = states.get(e.id);
    if (!usable(s)) continue;
    seen = true;
    if (scalarOf(s.value) === true) return true;
  }
  return seen ? false : null;
}
