import type { BusMessage, EntityAnnouncement } from '../../../shared/adapter/contract.ts';
import { CommandRejected } from '../components/model.ts';
import { COMPONENT, componentEntities, componentValues, KNOWN_TYPES } from './components.ts';
import {
  DeviceTable,
  type DeviceFamily,
  type FamilyContext,
  isRecord,
  readJson,
  readText,
} from '../families/family.ts';

/**
 * Shelly Gen2+ over MQTT (RPC): `<prefix>/online`, `<prefix>/events/rpc` carrying NotifyStatus /
 * NotifyFullStatus, commands as RPC frames on `<prefix>/rpc`. The device answers on `<src>/rpc`,
 * so Truss names itself `<prefix>/truss`: the answer stays inside the device's own topic tree and
 * its ACL. https://shelly-api-docs.shelly.cloud/gen2/General/RPCChannels#mqtt
 * https://shelly-api-docs.shelly.cloud/gen2/General/Notifications
 */

const PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_ENTITIES = 256;

interface ShellyDevice {
  prefix: string;
  address: string;
  /** component key (`switch:0`) -> type (`switch`) */
  components: Map<string, string>;
  /** what has been announced, by key, in announcement order */
  entities: Map<string, EntityAnnouncement>;
  model: string | null;
  sw: string | null;
  /** whether a full status (NotifyFullStatus, a Shelly.GetStatus answer) was ever seen */
  full: boolean;
}

export function createShellyFamily(): DeviceFamily {
  const devices = new Map<string, ShellyDevice>();
  const lights = new Map<string, Record<string, number | boolean>>();
  let table: DeviceTable | null = null;
  let ctx: FamilyContext | null = null;
  let unsubs: Array<() => void> = [];
  let rpcId = 1;

  const addressOf = (prefix: string): string => `shelly:${prefix}`;

  const announce = (dev: ShellyDevice, msg: BusMessage): boolean =>
    table!.upsert(
      { address: dev.address, name: dev.prefix, manufacturer: 'Shelly', model: dev.model, swVersion: dev.sw },
      [...dev.entities.values()],
      msg,
    );

  /**
   * A status: full (NotifyFullStatus, a Shelly.GetStatus answer) replaces what the device shows;
   * partial (NotifyStatus, `<prefix>/status/<component>`) adds the components and fields it
   * carries, so a device whose first frame is a NotifyStatus still gets its entities.
   */
  const applyStatus = (
    dev: ShellyDevice,
    params: Record<string, unknown>,
    full: boolean,
    msg: BusMessage,
  ): void => {
    if (table!.has(dev.address) && !table!.mayUpdate(dev.address, msg)) return;
    const sys = isRecord(params.sys) ? params.sys : null;
    const fw = sys && typeof sys.fw_id === 'string' ? sys.fw_id.slice(0, 64) : null;
    const entities = full ? new Map<string, EntityAnnouncement>() : new Map(dev.entities);
    const components = full ? new Map<string, string>() : new Map(dev.components);
    for (const [k, v] of Object.entries(params)) {
      const m = COMPONENT.exec(k);
      if (!m || !KNOWN_TYPES.has(m[1]!) || !isRecord(v)) continue;
      components.set(k, m[1]!);
      for (const e of componentEntities(k, m[1]!, v)) {
        if (entities.size >= MAX_ENTITIES && !entities.has(e.key)) break;
        entities.set(e.key, e);
      }
    }
    const next = { ...dev, components, entities, sw: fw ?? dev.sw };
    if (!table!.has(dev.address) || full || entities.size !== dev.entities.size || next.sw !== dev.sw) {
      if (!announce(next, msg)) {
        if (!table!.has(dev.address)) devices.delete(dev.prefix);
        return;
      }
    }
    dev.components = components;
    dev.entities = entities;
    dev.sw = next.sw;
    if (full && components.size > 0) dev.full = true;
    for (const [k, v] of Object.entries(params)) {
      const type = dev.components.get(k);
      if (!type || !isRecord(v)) continue;
      for (const [key, value] of componentValues(k, type, v)) {
        if (type === 'light' && key === k && typeof value === 'object') {
          const merged = { ...(lights.get(`${dev.address}|${k}`) ?? {}), ...value };
          lights.set(`${dev.address}|${k}`, merged);
          table!.state(dev.address, key, merged);
        } else if (typeof value !== 'object') table!.state(dev.address, key, value);
      }
    }
  };

  const device = (prefix: string, src: unknown): ShellyDevice => {
    let dev = devices.get(prefix);
    if (!dev) {
      const model = typeof src === 'string' ? (src.split('-')[0] ?? null) : null;
      dev = {
        prefix,
        address: addressOf(prefix),
        components: new Map(),
        entities: new Map(),
        model: model?.slice(0, 40) ?? null,
        sw: null,
        full: false,
      };
      devices.set(prefix, dev);
    }
    return dev;
  };

  const onEvent = (msg: BusMessage): void => {
    const levels = msg.topic.split('/');
    const prefix = levels[0]!;
    if (!PREFIX.test(prefix)) return;
    const isEvent = levels.length === 3 && levels[1] === 'events' && levels[2] === 'rpc';
    const isReply = levels.length === 3 && levels[1] === 'truss' && levels[2] === 'rpc';
    // `<prefix>/status/<component>` ("Generic status update over MQTT", MQTT.SetConfig status_ntf):
    // the component's whole status, https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Mqtt
    const isComponentStatus = levels.length === 3 && levels[1] === 'status';
    if (!isEvent && !isReply && !isComponentStatus) return;
    const parsed = readJson(msg.payload);
    if (!parsed.ok || !isRecord(parsed.json))
      return table!.reject(msg, parsed.ok ? 'not a JSON object' : parsed.reason);
    const frame = parsed.json;
    if (isComponentStatus) {
      const component = levels[2]!;
      const m = COMPONENT.exec(component);
      if (!m || !KNOWN_TYPES.has(m[1]!)) return;
      return applyStatus(device(prefix, null), { [component]: frame }, false, msg);
    }
    if (isReply) {
      // the answer to our Shelly.GetStatus: a full status in `result`
      // only a status answers Shelly.GetStatus; Switch.Set and friends answer {was_on} and such
      if (!isRecord(frame.result) || !Object.keys(frame.result).some((k) => COMPONENT.test(k))) return;
      return applyStatus(device(prefix, frame.src), frame.result, true, msg);
    }
    if (!isRecord(frame.params)) return table!.reject(msg, 'RPC notification without params');
    // https://shelly-api-docs.shelly.cloud/gen2/General/Notifications
    if (frame.method === 'NotifyFullStatus') applyStatus(device(prefix, frame.src), frame.params, true, msg);
    else if (frame.method === 'NotifyStatus')
      applyStatus(device(prefix, frame.src), frame.params, false, msg);
  };

  const onOnline = (msg: BusMessage): void => {
    const prefix = msg.topic.split('/')[0]!;
    if (!PREFIX.test(prefix)) return;
    const t = readText(msg.payload);
    if (!t.ok || (t.text !== 'true' && t.text !== 'false')) return;
    const dev = devices.get(prefix);
    if (dev && table!.has(dev.address)) {
      if (!table!.mayUpdate(dev.address, msg)) return;
      table!.online(dev.address, t.text === 'true');
      // adopted before it ever sent a status: ask now that it speaks as itself
      // (or known only from partial NotifyStatus frames: ask for the whole picture)
      if (!dev.full && t.text === 'true') void rpc(prefix, 'Shelly.GetStatus', {}).catch(() => {});
    } else if (t.text === 'true' && msg.clientId !== null) {
      // a device we have not seen a full status from: ask it for one
      void rpc(prefix, 'Shelly.GetStatus', {}).catch(() => {});
    }
  };

  const rpc = (prefix: string, method: string, params: Record<string, unknown>): Promise<void> =>
    ctx!.bus.publish(
      `${prefix}/rpc`,
      JSON.stringify({ id: rpcId++, src: `${prefix}/truss`, method, params }),
      {
        qos: 1,
      },
    );

  return {
    id: 'shelly',
    start(c) {
      ctx = c;
      table = new DeviceTable(c);
      unsubs = [
        c.bus.subscribe('+/events/rpc', onEvent),
        c.bus.subscribe('+/truss/rpc', onEvent),
        c.bus.subscribe('+/online', onOnline),
        c.bus.subscribe('+/status/+', onEvent),
      ];
    },
    stop() {
      for (const u of unsubs) u();
      unsubs = [];
    },
    owns: (address) => address.startsWith('shelly:'),
    ownerOf: (address) => table?.owner(address),
    ownedBy: (clientId) => table?.ownedBy(clientId) ?? [],
    ingest: (msg) => (msg.topic.endsWith('/online') ? onOnline(msg) : onEvent(msg)),
    async execute(address, key, cmd) {
      const dev = devices.get(address.slice('shelly:'.length));
      const type = dev?.components.get(key);
      if (!dev || !type || !table?.entity(address, key))
        throw new Error(`unknown entity ${key} on ${address}`);
      const id = Number(key.split(':')[1]);
      const on = cmd.type === 'turn_on' ? true : cmd.type === 'turn_off' ? false : null;
      if (type === 'switch') {
        if (cmd.type === 'toggle') return rpc(dev.prefix, 'Switch.Toggle', { id });
        if (on !== null) return rpc(dev.prefix, 'Switch.Set', { id, on });
      } else if (type === 'light') {
        if (cmd.type === 'toggle') return rpc(dev.prefix, 'Light.Toggle', { id });
        if (on !== null) return rpc(dev.prefix, 'Light.Set', { id, on });
        if (cmd.type === 'set_level')
          return rpc(dev.prefix, 'Light.Set', { id, on: cmd.level > 0, brightness: Math.round(cmd.level) });
      } else if (type === 'cover') {
        if (cmd.type === 'set_level')
          return rpc(dev.prefix, 'Cover.GoToPosition', { id, pos: Math.round(cmd.level) });
        if (cmd.type === 'turn_on') return rpc(dev.prefix, 'Cover.Open', { id });
        if (cmd.type === 'turn_off') return rpc(dev.prefix, 'Cover.Close', { id });
      }
      throw new CommandRejected(`${key} on a Shelly device cannot take ${cmd.type}`);
    },
    forget(address) {
      devices.delete(address.slice('shelly:'.length));
      table?.forget(address);
    },
    diagnostics: () => ({
      devices: devices.size,
      accepted: table?.accepted ?? 0,
      rejected: table?.rejected ?? 0,
      lastRejection: table?.lastRejection ?? null,
    }),
  };
}
