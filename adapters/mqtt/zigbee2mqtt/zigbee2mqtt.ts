import type { BusMessage, EntityAnnouncement } from '../../../shared/adapter/contract.ts';
import type { EntityKind, StateValue } from '../../../shared/domain/entity.ts';
import { CommandRejected } from '../components/model.ts';
import {
  DeviceTable,
  type DeviceFamily,
  type FamilyContext,
  finite,
  isRecord,
  readJson,
} from '../families/family.ts';

/**
 * Zigbee2MQTT bridge import: `<base>/bridge/devices` (retained) lists every device with its
 * `definition.exposes`; state arrives as JSON on `<base>/<friendly_name>`, availability on
 * `<base>/<friendly_name>/availability`, commands go to `<base>/<friendly_name>/set`.
 * https://www.zigbee2mqtt.io/guide/usage/mqtt_topics_and_messages.html
 * https://www.zigbee2mqtt.io/guide/usage/exposes.html
 */

interface Binding {
  key: string;
  kind: EntityKind;
  property: string;
  /** light brightness property (0..254), when the light is dimmable */
  brightness?: string;
  valueOn?: unknown;
  valueOff?: unknown;
}

interface Z2mDevice {
  address: string;
  friendly: string;
  bindings: Binding[];
}

const FRIENDLY = /^[^+#\0$][^+#\0]{0,127}$/;
const IEEE = /^0x[0-9a-fA-F]{16}$/;
const SENSOR_CLASSES = new Set([
  'temperature',
  'humidity',
  'pressure',
  'illuminance',
  'illuminance_lux',
  'co2',
  'power',
  'energy',
  'voltage',
  'current',
]);

const feature = (features: unknown, name: string): Record<string, unknown> | undefined =>
  Array.isArray(features)
    ? (features.find((f) => isRecord(f) && f.name === name) as Record<string, unknown>)
    : undefined;

/** Entities and their JSON bindings from a Z2M `exposes` list. */
export function mapExposes(exposes: unknown): { entities: EntityAnnouncement[]; bindings: Binding[] } {
  const entities: EntityAnnouncement[] = [];
  const bindings: Binding[] = [];
  if (!Array.isArray(exposes)) return { entities, bindings };
  for (const ex of exposes.slice(0, 64)) {
    if (!isRecord(ex) || typeof ex.type !== 'string') continue;
    const ep = typeof ex.endpoint === 'string' ? `_${ex.endpoint}` : '';
    if (ex.type === 'light' || ex.type === 'switch') {
      const state = feature(ex.features, 'state');
      if (!state || typeof state.property !== 'string') continue;
      const bright = feature(ex.features, 'brightness');
      const key = `${ex.type}${ep}`;
      bindings.push({
        key,
        kind: ex.type,
        property: state.property,
        brightness: ex.type === 'light' && typeof bright?.property === 'string' ? bright.property : undefined,
        valueOn: state.value_on ?? 'ON',
        valueOff: state.value_off ?? 'OFF',
      });
      entities.push({
        key,
        name: ex.type === 'light' ? 'Light' : `Switch${ep.replace('_', ' ')}`,
        kind: ex.type,
        deviceClass: ex.type === 'switch' ? 'outlet' : null,
        unit: null,
        writable: true,
        ...(ex.type === 'light' ? { attributes: { dimmable: bright !== undefined } } : {}),
      });
    } else if (ex.type === 'cover') {
      const pos = feature(ex.features, 'position');
      if (!pos || typeof pos.property !== 'string') continue;
      bindings.push({ key: `cover${ep}`, kind: 'cover', property: pos.property });
      entities.push({
        key: `cover${ep}`,
        name: 'Cover',
        kind: 'cover',
        deviceClass: 'shutter',
        unit: '%',
        writable: true,
        attributes: { min: 0, max: 100, step: 1 },
      });
    } else if (ex.type === 'numeric' && typeof ex.property === 'string') {
      const battery = ex.property === 'battery';
      if (!battery && !SENSOR_CLASSES.has(ex.property)) continue;
      bindings.push({ key: ex.property, kind: battery ? 'battery' : 'sensor', property: ex.property });
      entities.push({
        key: ex.property,
        name: typeof ex.label === 'string' ? ex.label.slice(0, 80) : ex.property,
        kind: battery ? 'battery' : 'sensor',
        deviceClass: ex.property === 'illuminance_lux' ? 'illuminance' : ex.property,
        unit: typeof ex.unit === 'string' ? ex.unit.slice(0, 16) : null,
        writable: false,
      });
    } else if (ex.type === 'binary' && typeof ex.property === 'string') {
      bindings.push({
        key: ex.property,
        kind: 'binary_sensor',
        property: ex.property,
        valueOn: ex.value_on,
        valueOff: ex.value_off,
      });
      entities.push({
        key: ex.property,
        name: ex.property,
        kind: 'binary_sensor',
        deviceClass: ex.property,
        unit: null,
        writable: false,
      });
    } else if (ex.type === 'enum' && ex.property === 'action') {
      bindings.push({ key: 'action', kind: 'event', property: 'action' });
      entities.push({
        key: 'action',
        name: 'Action',
        kind: 'event',
        deviceClass: 'button',
        unit: null,
        writable: false,
      });
    }
  }
  return { entities, bindings };
}

function valueFor(
  b: Binding,
  body: Record<string, unknown>,
  prev: StateValue | undefined,
): StateValue | undefined {
  const raw = body[b.property];
  if (raw === undefined) return undefined;
  if (b.kind === 'light') {
    const on = raw === b.valueOn ? true : raw === b.valueOff ? false : undefined;
    const level = b.brightness ? finite(body[b.brightness]) : null;
    const old = isRecord(prev) ? prev : {};
    if (on === undefined) return undefined;
    return b.brightness
      ? { on, level: level === null ? ((old.level as number) ?? 100) : Math.round((level / 254) * 100) }
      : { on };
  }
  if (b.kind === 'switch' || b.kind === 'binary_sensor') {
    if (raw === (b.valueOn ?? true)) return true;
    if (raw === (b.valueOff ?? false)) return false;
    return undefined;
  }
  if (b.kind === 'event') return typeof raw === 'string' ? raw.slice(0, 64) : undefined;
  return finite(raw) ?? undefined;
}

export function createZigbee2MqttFamily(base = 'zigbee2mqtt'): DeviceFamily {
  const byFriendly = new Map<string, Z2mDevice>();
  const byAddress = new Map<string, Z2mDevice>();
  const values = new Map<string, StateValue>();
  let table: DeviceTable | null = null;
  let ctx: FamilyContext | null = null;
  let bridgeOwner: string | null | undefined;
  let unsubs: Array<() => void> = [];

  const onDevices = (msg: BusMessage): void => {
    if (
      bridgeOwner !== undefined &&
      bridgeOwner !== null &&
      msg.clientId !== null &&
      msg.clientId !== bridgeOwner
    )
      return table!.reject(msg, `the bridge belongs to ${bridgeOwner}`);
    const parsed = readJson(msg.payload);
    if (!parsed.ok || !Array.isArray(parsed.json))
      return table!.reject(msg, parsed.ok ? 'bridge/devices is not a list' : parsed.reason);
    bridgeOwner ??= msg.clientId;
    const present = new Set<string>();
    for (const d of parsed.json.slice(0, 2000)) {
      if (!isRecord(d) || d.type === 'Coordinator') continue;
      if (typeof d.ieee_address !== 'string' || !IEEE.test(d.ieee_address)) continue;
      if (typeof d.friendly_name !== 'string' || !FRIENDLY.test(d.friendly_name)) continue;
      if (d.interview_completed === false || !isRecord(d.definition)) continue;
      const { entities, bindings } = mapExposes(d.definition.exposes);
      if (entities.length === 0) continue;
      const address = `z2m:${d.ieee_address.toLowerCase()}`;
      const ok = table!.upsert(
        {
          address,
          name: d.friendly_name,
          manufacturer: typeof d.definition.vendor === 'string' ? d.definition.vendor.slice(0, 80) : null,
          model: typeof d.definition.model === 'string' ? d.definition.model.slice(0, 80) : null,
          swVersion: typeof d.software_build_id === 'string' ? d.software_build_id.slice(0, 40) : null,
        },
        entities,
        msg,
      );
      if (!ok) continue;
      present.add(address);
      const old = byAddress.get(address);
      if (old) byFriendly.delete(old.friendly);
      const dev = { address, friendly: d.friendly_name, bindings };
      byAddress.set(address, dev);
      byFriendly.set(dev.friendly, dev);
    }
    for (const [address, dev] of byAddress) {
      if (present.has(address)) continue;
      byAddress.delete(address);
      byFriendly.delete(dev.friendly);
      table!.remove(address);
    }
  };

  const onMessage = (msg: BusMessage): void => {
    const rest = msg.topic.slice(base.length + 1);
    if (rest.startsWith('bridge/')) return;
    const availability = rest.endsWith('/availability');
    const dev = byFriendly.get(availability ? rest.slice(0, -'/availability'.length) : rest);
    if (!dev || !table!.mayUpdate(dev.address, msg)) return;
    const parsed = readJson(msg.payload);
    if (availability) {
      // Z2M >= 1.30 sends {"state":"online"}; older versions a bare word
      const text = parsed.ok
        ? isRecord(parsed.json)
          ? parsed.json.state
          : parsed.json
        : new TextDecoder().decode(msg.payload);
      if (text === 'online' || text === 'offline') table!.online(dev.address, text === 'online');
      else table!.reject(msg, 'unknown availability payload');
      return;
    }
    if (!parsed.ok || !isRecord(parsed.json))
      return table!.reject(msg, parsed.ok ? 'state is not a JSON object' : parsed.reason);
    for (const b of dev.bindings) {
      const k = `${dev.address}|${b.key}`;
      const v = valueFor(b, parsed.json, values.get(k));
      if (v === undefined) continue;
      values.set(k, v);
      table!.state(dev.address, b.key, v);
    }
  };

  return {
    id: 'zigbee2mqtt',
    start(c) {
      ctx = c;
      table = new DeviceTable(c);
      unsubs = [
        c.bus.subscribe(`${base}/bridge/devices`, onDevices),
        c.bus.subscribe(`${base}/#`, onMessage),
      ];
    },
    stop() {
      for (const u of unsubs) u();
      unsubs = [];
    },
    owns: (address) => address.startsWith('z2m:') || address.startsWith('zigbee2mqtt:'),
    ownerOf: (address) => table?.owner(address),
    ownedBy: (clientId) => table?.ownedBy(clientId) ?? [],
    ingest: (msg) => {
      if (msg.topic === `${base}/bridge/devices`) onDevices(msg);
      if (msg.clientId === null) return;
      // the bridge itself, so an adopted bridge is a device of the site even before it lists any
      table!.upsert(
        {
          address: `zigbee2mqtt:${msg.clientId}`,
          name: 'Zigbee2MQTT bridge',
          manufacturer: 'Zigbee2MQTT',
          model: null,
          swVersion: null,
        },
        [],
        msg,
      );
    },
    async execute(address, key, cmd) {
      const dev = byAddress.get(address);
      const b = dev?.bindings.find((x) => x.key === key);
      if (!dev || !b || !ctx) throw new Error(`unknown entity ${key} on ${address}`);
      const set = (body: Record<string, unknown>): Promise<void> =>
        ctx!.bus.publish(`${base}/${dev.friendly}/set`, JSON.stringify(body), { qos: 1 });
      if (b.kind === 'light' || b.kind === 'switch') {
        if (cmd.type === 'turn_on') return set({ [b.property]: b.valueOn });
        if (cmd.type === 'turn_off') return set({ [b.property]: b.valueOff });
        if (cmd.type === 'toggle') return set({ [b.property]: 'TOGGLE' });
        if (cmd.type === 'set_level' && b.brightness)
          return set({
            [b.property]: cmd.level > 0 ? b.valueOn : b.valueOff,
            [b.brightness]: Math.round((cmd.level / 100) * 254),
          });
      }
      if (b.kind === 'cover' && cmd.type === 'set_level') return set({ [b.property]: Math.round(cmd.level) });
      throw new CommandRejected(`${key} on a Zigbee2MQTT device cannot take ${cmd.type}`);
    },
    forget(address) {
      const dev = byAddress.get(address);
      if (!dev) return;
      byAddress.delete(address);
      byFriendly.delete(dev.friendly);
      table?.forget(address);
    },
    diagnostics: () => ({
      base,
      devices: byAddress.size,
      bridge: bridgeOwner ?? null,
      accepted: table?.accepted ?? 0,
      rejected: table?.rejected ?? 0,
    }),
  };
}
