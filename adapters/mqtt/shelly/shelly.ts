import type { BusMessage, EntityAnnouncement } from '../../../shared/adapter/contract.ts';
import { CommandRejected } from '../components/model.ts';
import {
  DeviceTable,
  type DeviceFamily,
  type FamilyContext,
  finite,
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

const COMPONENT = /^(switch|cover|light|em|em1|emdata|em1data|pm1|temperature|humidity|input):(\d{1,3})$/;
const PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;

interface ShellyDevice {
  prefix: string;
  address: string;
  components: Map<string, string>;
  model: string | null;
}

function entitiesOf(component: string, type: string, status: Record<string, unknown>): EntityAnnouncement[] {
  const n = component.split(':')[1];
  const sensor = (key: string, name: string, unit: string, deviceClass: string): EntityAnnouncement => ({
    key: `${component}/${key}`,
    name,
    kind: 'sensor',
    deviceClass,
    unit,
    writable: false,
  });
  switch (type) {
    case 'switch': {
      const out: EntityAnnouncement[] = [
        {
          key: component,
          name: `Switch ${n}`,
          kind: 'switch',
          deviceClass: 'outlet',
          unit: null,
          writable: true,
        },
      ];
      if ('apower' in status) out.push(sensor('power', `Power ${n}`, 'W', 'power'));
      if ('aenergy' in status) out.push(sensor('energy', `Energy ${n}`, 'kWh', 'energy'));
      // firmware 1.2+ counts energy sent back through the relay (a PV micro-inverter on a plug)
      if ('ret_aenergy' in status) out.push(sensor('ret_energy', `Returned energy ${n}`, 'kWh', 'energy'));
      return out;
    }
    case 'cover':
      return [
        {
          key: component,
          name: `Cover ${n}`,
          kind: 'cover',
          deviceClass: 'shutter',
          unit: '%',
          writable: true,
          attributes: { min: 0, max: 100, step: 1 },
        },
      ];
    case 'light':
      return [
        {
          key: component,
          name: `Light ${n}`,
          kind: 'light',
          deviceClass: null,
          unit: null,
          writable: true,
          attributes: { dimmable: 'brightness' in status },
        },
      ];
    case 'pm1':
      return [sensor('power', `Power ${n}`, 'W', 'power'), sensor('energy', `Energy ${n}`, 'kWh', 'energy')];
    case 'em':
      return [sensor('power', `Total power ${n}`, 'W', 'power')];
    case 'em1':
      return [sensor('power', `Power ${n}`, 'W', 'power')];
    // the energy counters of the Pro 3EM / Pro EM (EMData / EM1Data: Wh, reported as kWh)
    case 'emdata':
      return [
        sensor('total_act', `Total energy ${n}`, 'kWh', 'energy'),
        sensor('total_act_ret', `Total returned energy ${n}`, 'kWh', 'energy'),
      ];
    case 'em1data':
      return [
        sensor('total_act_energy', `Energy ${n}`, 'kWh', 'energy'),
        sensor('total_act_ret_energy', `Returned energy ${n}`, 'kWh', 'energy'),
      ];
    case 'temperature':
      return [sensor('temperature', `Temperature ${n}`, '°C', 'temperature')];
    case 'humidity':
      return [sensor('humidity', `Humidity ${n}`, '%', 'humidity')];
    case 'input':
      return [
        {
          key: component,
          name: `Input ${n}`,
          kind: 'binary_sensor',
          deviceClass: null,
          unit: null,
          writable: false,
        },
      ];
    default:
      return [];
  }
}

/** The entity values a (partial) component status carries. */
export function valuesOf(
  component: string,
  type: string,
  s: Record<string, unknown>,
): Array<[string, number | boolean | Record<string, number | boolean>]> {
  const out: Array<[string, number | boolean | Record<string, number | boolean>]> = [];
  const num = (key: string, v: unknown, scale = 1): void => {
    const x = finite(v);
    if (x !== null) out.push([`${component}/${key}`, x * scale]);
  };
  if (type === 'switch') {
    if (typeof s.output === 'boolean') out.push([component, s.output]);
    num('power', s.apower);
    if (isRecord(s.aenergy)) num('energy', s.aenergy.total, 1 / 1000);
    if (isRecord(s.ret_aenergy)) num('ret_energy', s.ret_aenergy.total, 1 / 1000);
  } else if (type === 'pm1') {
    num('power', s.apower);
    if (isRecord(s.aenergy)) num('energy', s.aenergy.total, 1 / 1000);
  } else if (type === 'cover') {
    const pos = finite(s.current_pos);
    if (pos !== null) out.push([component, pos]);
  } else if (type === 'light') {
    const v: Record<string, number | boolean> = {};
    if (typeof s.output === 'boolean') v.on = s.output;
    const b = finite(s.brightness);
    if (b !== null) v.level = b;
    if (Object.keys(v).length > 0) out.push([component, v]);
  } else if (type === 'em') num('power', s.total_act_power);
  else if (type === 'em1') num('power', s.act_power);
  else if (type === 'emdata') {
    // https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/EMData#status (Wh)
    num('total_act', s.total_act, 1 / 1000);
    num('total_act_ret', s.total_act_ret, 1 / 1000);
  } else if (type === 'em1data') {
    num('total_act_energy', s.total_act_energy, 1 / 1000);
    num('total_act_ret_energy', s.total_act_ret_energy, 1 / 1000);
  } else if (type === 'temperature') num('temperature', s.tC);
  else if (type === 'humidity') num('humidity', s.rh);
  else if (type === 'input' && typeof s.state === 'boolean') out.push([component, s.state]);
  return out;
}

export function createShellyFamily(): DeviceFamily {
  const devices = new Map<string, ShellyDevice>();
  const lights = new Map<string, Record<string, number | boolean>>();
  let table: DeviceTable | null = null;
  let ctx: FamilyContext | null = null;
  let unsubs: Array<() => void> = [];
  let rpcId = 1;

  const addressOf = (prefix: string): string => `shelly:${prefix}`;

  const applyStatus = (
    dev: ShellyDevice,
    params: Record<string, unknown>,
    full: boolean,
    msg: BusMessage,
  ): void => {
    if (full) {
      const entities: EntityAnnouncement[] = [];
      dev.components.clear();
      for (const [k, v] of Object.entries(params)) {
        const m = COMPONENT.exec(k);
        if (!m || !isRecord(v)) continue;
        dev.components.set(k, m[1]!);
        entities.push(...entitiesOf(k, m[1]!, v));
        if (entities.length > 128) break;
      }
      const sys = isRecord(params.sys) ? params.sys : {};
      if (
        !table!.upsert(
          {
            address: dev.address,
            name: dev.prefix,
            manufacturer: 'Shelly',
            model: dev.model,
            swVersion: typeof sys.fw_id === 'string' ? sys.fw_id.slice(0, 64) : null,
          },
          entities,
          msg,
        )
      )
        return;
    } else if (!table!.mayUpdate(dev.address, msg)) return;
    for (const [k, v] of Object.entries(params)) {
      const type = dev.components.get(k);
      if (!type || !isRecord(v)) continue;
      for (const [key, value] of valuesOf(k, type, v)) {
        if (type === 'light' && typeof value === 'object') {
          const merged = { ...(lights.get(`${dev.address}|${k}`) ?? {}), ...value };
          lights.set(`${dev.address}|${k}`, merged);
          table!.state(dev.address, key, merged);
        } else table!.state(dev.address, key, value);
      }
    }
  };

  const device = (prefix: string, src: unknown): ShellyDevice => {
    let dev = devices.get(prefix);
    if (!dev) {
      const model = typeof src === 'string' ? (src.split('-')[0] ?? null) : null;
      dev = { prefix, address: addressOf(prefix), components: new Map(), model: model?.slice(0, 40) ?? null };
      devices.set(prefix, dev);
    }
    return dev;
  };

  const onEvent = (msg: BusMessage): void => {
    const levels = msg.topic.split('/');
    const prefix = levels[0]!;
    if (!PREFIX.test(prefix)) return;
    const isEvent = levels[1] === 'events' && levels[2] === 'rpc';
    const isReply = levels[1] === 'truss' && levels[2] === 'rpc';
    if (!isEvent && !isReply) return;
    const parsed = readJson(msg.payload);
    if (!parsed.ok || !isRecord(parsed.json))
      return table!.reject(msg, parsed.ok ? 'not an RPC frame' : parsed.reason);
    const frame = parsed.json;
    if (isReply) {
      // the answer to our Shelly.GetStatus: a full status in `result`
      // only a status answers Shelly.GetStatus; Switch.Set and friends answer {was_on} and such
      if (!isRecord(frame.result) || !Object.keys(frame.result).some((k) => COMPONENT.test(k))) return;
      return applyStatus(device(prefix, frame.src), frame.result, true, msg);
    }
    if (!isRecord(frame.params)) return table!.reject(msg, 'RPC notification without params');
    if (frame.method === 'NotifyFullStatus') applyStatus(device(prefix, frame.src), frame.params, true, msg);
    else if (frame.method === 'NotifyStatus') {
      const dev = devices.get(prefix);
      if (dev && table!.has(dev.address)) applyStatus(dev, frame.params, false, msg);
    }
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
      if (dev.components.size === 0 && t.text === 'true')
        void rpc(prefix, 'Shelly.GetStatus', {}).catch(() => {});
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
      ];
    },
    stop() {
      for (const u of unsubs) u();
      unsubs = [];
    },
    owns: (address) => address.startsWith('shelly:'),
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
