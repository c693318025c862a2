import type { BusMessage, EntityAnnouncement } from '../../../shared/adapter/contract.ts';
import type { StateValue } from '../../../shared/domain/entity.ts';
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
import { statusEntities, statusValues } from './status.ts';
import {
  DEFAULT_UNITS,
  type DeviceUnits,
  leafValue,
  MAX_SENSOR_ENTITIES,
  readUnits,
  sensorLeaves,
} from './sensors.ts';

/**
 * Tasmota's native discovery (the `SetOption19 0` default since 9.x): the device publishes
 * `tasmota/discovery/<MAC>/config` and `.../sensors`; state arrives on `stat/<t>/RESULT|POWERn`
 * and `tele/<t>/STATE|SENSOR|LWT`; commands go to `cmnd/<t>/POWERn|Dimmer`.
 * https://tasmota.github.io/docs/MQTT/ and tasmota/xdrv_12_discovery.ino
 */
export const TASMOTA_DISCOVERY = 'tasmota/discovery';

interface TasmotaDevice {
  address: string;
  ip: string | null;
  mac: string;
  cmnd: string;
  stat: string;
  tele: string;
  relays: number;
  light: 'dimmer' | 'onoff' | null;
  onln: string;
  ofln: string;
  sensors: EntityAnnouncement[];
  /** the device's TempUnit / PressureUnit / SpeedUnit, as its last sensor message said */
  units: DeviceUnits;
  base: EntityAnnouncement[];
  name: string;
  model: string | null;
  sw: string | null;
}

const TOPIC_PART = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAC = /^[0-9A-Fa-f]{12}$/;

export function fullTopic(ft: string, prefix: string, topic: string, hostname: string, mac: string): string {
  const t = ft
    .replaceAll('%prefix%', prefix)
    .replaceAll('%topic%', topic)
    .replaceAll('%hostname%', hostname)
    .replaceAll('%id%', mac.slice(-6));
  return t.endsWith('/') ? t.slice(0, -1) : t;
}

/** Parses a discovery config; throws with a reason an installer can read. */
export function parseTasmotaConfig(mac: string, json: unknown): Omit<TasmotaDevice, 'sensors' | 'units'> {
  if (!MAC.test(mac)) throw new Error('discovery topic has no MAC');
  if (!isRecord(json)) throw new Error('config is not an object');
  // hatasmota/discovery.py refuses a config whose `mac` differs from its topic's: one device may not
  // announce itself under another's address
  if (typeof json.mac !== 'string') throw new Error('config has no mac');
  if (json.mac.toUpperCase() !== mac.toUpperCase())
    throw new Error(
      `MAC mismatch: the topic says ${mac.toUpperCase()}, the config says ${JSON.stringify(json.mac.slice(0, 20))}`,
    );
  const t = json.t;
  const ft = typeof json.ft === 'string' ? json.ft : '%prefix%/%topic%/';
  const tp = Array.isArray(json.tp) ? json.tp : ['cmnd', 'stat', 'tele'];
  const hn = typeof json.hn === 'string' ? json.hn : '';
  if (typeof t !== 'string' || !TOPIC_PART.test(t)) throw new Error('config has no valid topic (t)');
  if (ft.length > 128 || !tp.every((p) => typeof p === 'string' && TOPIC_PART.test(p)) || tp.length < 3)
    throw new Error('config has an invalid full topic');
  const [c, s, te] = tp as [string, string, string];
  const topics = [c, s, te].map((p) => fullTopic(ft, p, t, hn, mac));
  if (topics.some((x) => /[+#\0]/.test(x) || x.startsWith('$') || x.length === 0))
    throw new Error('full topic contains wildcards');
  const rl = Array.isArray(json.rl) ? json.rl.slice(0, 32) : [];
  const lastRelay = rl.reduce<number>((n, v, i) => (v === 1 || v === 2 ? i + 1 : n), 0);
  const hasLight = rl.includes(2);
  const address = `tasmota:${mac.toUpperCase()}`;
  const names = Array.isArray(json.fn) ? json.fn : [];
  const dn = typeof json.dn === 'string' ? json.dn.slice(0, 80) : t;
  const base: EntityAnnouncement[] = [];
  for (let i = 1; i <= lastRelay; i++) {
    if (rl[i - 1] !== 1) continue;
    const label = typeof names[i - 1] === 'string' ? (names[i - 1] as string).slice(0, 80) : `Relay ${i}`;
    base.push({
      key: `POWER${i}`,
      name: label,
      kind: 'switch',
      deviceClass: 'outlet',
      unit: null,
      writable: true,
    });
  }
  const light = hasLight ? ((finite(json.lt_st) ?? 0) >= 1 ? 'dimmer' : 'onoff') : null;
  if (light) {
    base.push({
      key: 'light',
      name: typeof names[0] === 'string' ? names[0].slice(0, 80) : 'Light',
      kind: 'light',
      deviceClass: null,
      unit: null,
      writable: true,
      attributes: { dimmable: light === 'dimmer' },
    });
  }
  // hatasmota/status_sensor.py: every device has its status sensors (battery with `bat: 1`)
  base.push(...statusEntities(json.bat === 1));
  return {
    address,
    ip: typeof json.ip === 'string' ? json.ip.slice(0, 45) : null,
    mac: mac.toUpperCase(),
    cmnd: topics[0]!,
    stat: topics[1]!,
    tele: topics[2]!,
    relays: lastRelay,
    light,
    onln: typeof json.onln === 'string' ? json.onln : 'Online',
    ofln: typeof json.ofln === 'string' ? json.ofln : 'Offline',
    base,
    name: dn,
    model: typeof json.md === 'string' ? json.md.slice(0, 80) : null,
    sw: typeof json.sw === 'string' ? json.sw.slice(0, 40) : null,
  };
}

/** Sensor entities from the `sensors` discovery message (`{"sn": {...}}`) or a tele/SENSOR body. */
export function sensorEntities(sn: unknown, units?: DeviceUnits): EntityAnnouncement[] {
  const u = isRecord(sn) ? readUnits(sn, units ?? DEFAULT_UNITS) : (units ?? DEFAULT_UNITS);
  return sensorLeaves(sn, u).map((l) => l.announcement);
}

const onOff = (v: unknown): boolean | null => (v === 'ON' ? true : v === 'OFF' ? false : null);

export function createTasmotaFamily(): DeviceFamily {
  const byMac = new Map<string, TasmotaDevice>();
  const byTopic = new Map<string, { dev: TasmotaDevice; kind: 'stat' | 'tele' }>();
  const lightLevels = new Map<string, { on: boolean; level: number }>();
  /** a `sensors` message that came before its device's config (retained order is not guaranteed) */
  const earlySensors = new Map<string, { sn: Record<string, unknown>; clientId: string | null }>();
  let table: DeviceTable | null = null;
  let ctx: FamilyContext | null = null;
  let unsubs: Array<() => void> = [];

  const announce = (dev: TasmotaDevice, msg: BusMessage): boolean =>
    table!.upsert(
      { address: dev.address, name: dev.name, manufacturer: 'Tasmota', model: dev.model, swVersion: dev.sw },
      [...dev.base, ...dev.sensors],
      msg,
    );

  const forgetDevice = (dev: TasmotaDevice): void => {
    byMac.delete(dev.mac);
    if (byTopic.get(dev.stat)?.dev === dev) byTopic.delete(dev.stat);
    if (byTopic.get(dev.tele)?.dev === dev) byTopic.delete(dev.tele);
    lightLevels.delete(dev.address);
  };

  const onConfig = (msg: BusMessage): void => {
    const [, , mac, leaf] = msg.topic.split('/');
    if (!mac || (leaf !== 'config' && leaf !== 'sensors')) return;
    const address = `tasmota:${mac.toUpperCase()}`;
    const known = byMac.get(mac.toUpperCase());
    if (msg.payload.length === 0) {
      // an empty retained config removes the device, an empty `sensors` its sensors
      // (hatasmota/discovery.py; Tasmota clears both with `SetOption19 1` or on reset)
      if (!known || !table!.mayUpdate(address, msg)) return;
      if (leaf === 'config') {
        forgetDevice(known);
        table!.withdraw(address);
        ctx?.log.info({ address }, 'Tasmota device removed by its empty discovery config');
      } else {
        known.sensors = [];
        announce(known, msg);
      }
      return;
    }
    const parsed = readJson(msg.payload);
    if (!parsed.ok) return table!.reject(msg, parsed.reason);
    if (leaf === 'sensors') {
      const sn = isRecord(parsed.json) ? parsed.json.sn : null;
      if (!isRecord(sn)) return table!.reject(msg, 'sensors message without an sn object');
      if (!known) {
        // kept for its config, as hatasmota/discovery.py keeps `_sensors[mac]`
        if (MAC.test(mac) && (earlySensors.size < 256 || earlySensors.has(mac.toUpperCase())))
          earlySensors.set(mac.toUpperCase(), { sn, clientId: msg.clientId });
        return;
      }
      if (!table!.mayUpdate(address, msg)) return;
      known.units = readUnits(sn, known.units);
      known.sensors = sensorLeaves(sn, known.units).map((l) => l.announcement);
      announce(known, msg);
      return;
    }
    let cfg;
    try {
      cfg = parseTasmotaConfig(mac, parsed.json);
    } catch (err) {
      return table!.reject(msg, (err as Error).message);
    }
    const early = earlySensors.get(cfg.mac);
    earlySensors.delete(cfg.mac);
    const dev: TasmotaDevice = {
      ...cfg,
      sensors: known?.sensors ?? [],
      units: known?.units ?? DEFAULT_UNITS,
    };
    // only the client that announces the device may have described its sensors
    if (!known && early && early.clientId === msg.clientId) {
      dev.units = readUnits(early.sn, dev.units);
      dev.sensors = sensorLeaves(early.sn, dev.units).map((l) => l.announcement);
    }
    if (!announce(dev, msg)) return;
    if (known) forgetDevice(known);
    byMac.set(dev.mac, dev);
    byTopic.set(dev.stat, { dev, kind: 'stat' });
    byTopic.set(dev.tele, { dev, kind: 'tele' });
    // the IP status sensor's value comes with the config (hatasmota: `state=config[CONF_IP]`)
    if (dev.ip) table!.state(dev.address, 'status_ip', dev.ip);
  };

  const applyPowerFields = (dev: TasmotaDevice, body: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(body)) {
      const on = onOff(v);
      const m = /^POWER(\d*)$/.exec(k);
      if (!m || on === null) continue;
      const key = `POWER${m[1] || '1'}`;
      if (table!.entity(dev.address, key)) table!.state(dev.address, key, on);
      else if (dev.light && (m[1] === '' || m[1] === '1')) lightState(dev, on, finite(body.Dimmer));
    }
    if (dev.light && finite(body.Dimmer) !== null && body.POWER === undefined && body.POWER1 === undefined)
      lightState(dev, null, finite(body.Dimmer));
  };

  const lightState = (dev: TasmotaDevice, on: boolean | null, level: number | null): void => {
    const prev = lightLevels.get(dev.address) ?? { on: false, level: 100 };
    const next = {
      on: on ?? prev.on,
      level: level === null ? prev.level : Math.max(0, Math.min(100, level)),
    };
    lightLevels.set(dev.address, next);
    const value: StateValue = dev.light === 'dimmer' ? next : { on: next.on };
    table!.state(dev.address, 'light', value);
  };

  /** a sensor body (tele/SENSOR, or StatusSNS of a STATUS reply): new fields and unit changes re-announce */
  const applySensors = (dev: TasmotaDevice, body: Record<string, unknown>, msg: BusMessage): void => {
    dev.units = readUnits(body, dev.units);
    const leaves = sensorLeaves(body, dev.units);
    // a sensor the discovery message did not list still becomes an entity: older firmware never sends `sensors`
    const byKey = new Map(dev.sensors.map((e) => [e.key, e]));
    let changed = false;
    for (const l of leaves) {
      const old = byKey.get(l.key);
      if (old && old.unit === l.announcement.unit) continue;
      if (!old && byKey.size >= MAX_SENSOR_ENTITIES) continue;
      byKey.set(l.key, l.announcement);
      changed = true;
    }
    if (changed) {
      dev.sensors = [...byKey.values()];
      announce(dev, msg);
    }
    for (const l of leaves) {
      const v = leafValue(l.value);
      if (v.ok) table!.state(dev.address, l.key, v.value);
      else table!.reject(msg, `${l.key}: ${v.reason}`);
    }
  };

  const onDeviceTopic = (msg: BusMessage): void => {
    const cut = msg.topic.lastIndexOf('/');
    const route = byTopic.get(msg.topic.slice(0, cut));
    if (!route) return;
    const { dev, kind } = route;
    const leaf = msg.topic.slice(cut + 1);
    if (!table!.mayUpdate(dev.address, msg)) return;
    if (kind === 'tele' && leaf === 'LWT') {
      const t = readText(msg.payload);
      if (!t.ok) return table!.reject(msg, t.reason);
      if (t.text === dev.onln) table!.online(dev.address, true);
      else if (t.text === dev.ofln) table!.online(dev.address, false);
      else table!.reject(msg, 'unknown LWT payload');
      return;
    }
    if (kind === 'stat' && /^POWER\d*$/.test(leaf)) {
      const t = readText(msg.payload);
      const on = t.ok ? onOff(t.text) : null;
      if (on === null) return table!.reject(msg, 'POWER payload is not ON or OFF');
      return applyPowerFields(dev, { [leaf]: t.ok ? t.text : '' });
    }
    const isResult = kind === 'stat' && leaf === 'RESULT';
    // replies to `Status <n>` (https://tasmota.github.io/docs/JSON-Status-Responses/): STATUS10 (and
    // STATUS8 before 9.x) carry StatusSNS, STATUS11 StatusSTS, STATUS (Status 0) both
    const isStatus = kind === 'stat' && /^STATUS\d{0,2}$/.test(leaf);
    const isTele = kind === 'tele' && (leaf === 'STATE' || leaf === 'SENSOR');
    if (!isResult && !isTele && !isStatus) return;
    const parsed = readJson(msg.payload);
    if (!parsed.ok || !isRecord(parsed.json))
      return table!.reject(msg, parsed.ok ? 'not a JSON object' : parsed.reason);
    const body = parsed.json;
    if (isStatus) {
      if (isRecord(body.StatusSNS)) applySensors(dev, body.StatusSNS, msg);
      if (isRecord(body.StatusSTS)) applyPowerFields(dev, body.StatusSTS);
      for (const [key, v] of statusValues(body, 'status', ctx!.now())) table!.state(dev.address, key, v);
    } else if (leaf === 'SENSOR') applySensors(dev, body, msg);
    else {
      applyPowerFields(dev, body);
      if (leaf === 'STATE')
        for (const [key, v] of statusValues(body, 'state', ctx!.now())) table!.state(dev.address, key, v);
    }
  };

  return {
    id: 'tasmota',
    start(c) {
      ctx = c;
      table = new DeviceTable(c);
      unsubs = [
        c.bus.subscribe(`${TASMOTA_DISCOVERY}/+/+`, onConfig),
        // Tasmota's full topic is configurable, so listen wide and route by exact topic
        c.bus.subscribe('+/+/+', onDeviceTopic),
        c.bus.subscribe('+/+/+/+', onDeviceTopic),
      ];
    },
    stop() {
      for (const u of unsubs) u();
      unsubs = [];
    },
    owns: (address) => address.startsWith('tasmota:'),
    ownerOf: (address) => table?.owner(address),
    ownedBy: (clientId) => table?.ownedBy(clientId) ?? [],
    ingest: (msg) => (msg.topic.startsWith(`${TASMOTA_DISCOVERY}/`) ? onConfig(msg) : onDeviceTopic(msg)),
    async execute(address, key, cmd) {
      const dev = [...byMac.values()].find((d) => d.address === address);
      if (!dev || !ctx || !table?.entity(address, key))
        throw new Error(`unknown entity ${key} on ${address}`);
      const kind = table.entity(address, key)!.kind;
      if (kind !== 'switch' && kind !== 'light') throw new CommandRejected(`${key} is read-only`);
      const power = key === 'light' ? 'POWER1' : key;
      if (cmd.type === 'turn_on' || cmd.type === 'turn_off' || cmd.type === 'toggle') {
        const payload = cmd.type === 'turn_on' ? 'ON' : cmd.type === 'turn_off' ? 'OFF' : 'TOGGLE';
        await ctx.bus.publish(`${dev.cmnd}/${power}`, payload, { qos: 1 });
        return;
      }
      if (cmd.type === 'set_level' && key === 'light' && dev.light === 'dimmer') {
        await ctx.bus.publish(`${dev.cmnd}/Dimmer`, String(Math.round(cmd.level)), { qos: 1 });
        return;
      }
      throw new CommandRejected(`${key} on a Tasmota device cannot take ${cmd.type}`);
    },
    forget(address) {
      const dev = [...byMac.values()].find((d) => d.address === address);
      if (!dev) return;
      forgetDevice(dev);
      table?.forget(address);
    },
    diagnostics: () => ({
      devices: byMac.size,
      accepted: table?.accepted ?? 0,
      rejected: table?.rejected ?? 0,
      lastRejection: table?.lastRejection ?? null,
    }),
  };
}
