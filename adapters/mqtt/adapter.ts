import { ZodError } from 'zod';
import type {
  AdapterContext,
  AdapterInstance,
  BusMessage,
  EntityAnnouncement,
  MqttBus,
} from '../../shared/adapter/contract.ts';
import { EntityCommand } from '../../shared/domain/command.ts';
import type { StateValue } from '../../shared/domain/entity.ts';
import { DeviceAvailability } from './availability.ts';
import { COMPONENT_MAPPERS } from './components/index.ts';
import type { EntityModel, StateBinding } from './components/model.ts';
import { isPlainObject, expandConfig } from './discovery/abbreviations.ts';
import {
  type AvailabilityEntry,
  availabilityEntries,
  CommonConfig,
  describeZodError,
} from './discovery/common.ts';
import { parseDiscoveryTopic, type DiscoveryTopic } from './discovery/topic.ts';
import { type MqttAclHook, topicPolicyError } from './discovery/topic-policy.ts';
import { LogThrottle } from '../../shared/log-throttle.ts';
import type { MqttAdapterConfig } from './manifest.ts';
import { compileValueTemplate } from './template.ts';
import type { DeviceFamily } from './families/family.ts';
import { createShellyFamily } from './shelly/shelly.ts';
import { createMqttCommissioning } from './commissioning/mqtt-commissioning.ts';
import { createTasmotaFamily } from './tasmota/tasmota.ts';
import { createZigbee2MqttFamily } from './zigbee2mqtt/zigbee2mqtt.ts';

/** What a host may add to the context: the broker's ACL, for the strictest topic rule. */
export interface MqttAdapterContext extends AdapterContext {
  mqttAcl?: MqttAclHook;
}

const MAX_CONFIG_BYTES = 64 * 1024;
const MAX_STATE_BYTES = 16 * 1024;
const MAX_ENTITIES = 10_000;
const MAX_ENTITIES_PER_DEVICE = 256;
const MAX_COMPONENTS_PER_DEVICE_CONFIG = 64;
const MAX_PENDING_CONFIGS = 1_000;

interface EntityRecord {
  key: string;
  address: string;
  /** the MQTT client that declared it; null when the core itself published the config */
  owner: string | null;
  discoveryTopic: string;
  model: EntityModel;
  availability: AvailabilityEntry[];
  qos: 0 | 1;
  retain: boolean;
  value: StateValue | undefined;
  unsubscribe: Array<() => void>;
}

interface DeviceRecord {
  address: string;
  owner: string | null;
  name: string;
  manufacturer: string | null;
  model: string | null;
  swVersion: string | null;
  keys: Set<string>;
  availability: DeviceAvailability;
  online: boolean | null;
}

interface Candidate {
  key: string;
  address: string;
  device: Omit<DeviceRecord, 'keys' | 'availability' | 'online' | 'owner'>;
  model: EntityModel;
  availability: AvailabilityEntry[];
  availabilityMode: 'all' | 'any' | 'latest';
  qos: 0 | 1;
  retain: boolean;
}

class Rejected extends Error {}

const reasonOf = (err: unknown): string =>
  err instanceof ZodError ? describeZodError(err) : err instanceof Error ? err.message : String(err);

export function createMqttAdapter(ctx: MqttAdapterContext, config: MqttAdapterConfig): AdapterInstance {
  const log = ctx.log.child({ adapter: 'mqtt' });
  const prefix = config.discoveryPrefix;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const throttle = new LogThrottle(10_000, ctx.now);
  const entities = new Map<string, EntityRecord>();
  const devices = new Map<string, DeviceRecord>();
  const byDiscoveryTopic = new Map<string, Set<string>>();
  const counters = {
    configsAccepted: 0,
    configsRejected: 0,
    statesAccepted: 0,
    statesRejected: 0,
    commands: 0,
  };
  let lastRejection: string | null = null;
  const families: DeviceFamily[] = [
    createTasmotaFamily(),
    createShellyFamily(),
    createZigbee2MqttFamily(config.zigbee2mqttBase),
  ];
  const familyOf = (address: string): DeviceFamily | undefined => families.find((f) => f.owns(address));
  let bus: MqttBus | null = null;
  let configUnsubscribe: Array<() => void> = [];
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;

  /** while an adoption replays a device's configs: the reasons any of them was refused */
  let collecting: { clientId: string | null; reasons: string[] } | null = null;
  const rejectConfig = (topic: string, clientId: string | null, reason: string): void => {
    counters.configsRejected++;
    lastRejection = `${topic}: ${reason}`;
    if (collecting && collecting.clientId === clientId) collecting.reasons.push(`${topic}: ${reason}`);
    throttle.warn(
      log,
      `cfg|${clientId}|${topic}|${reason}`,
      { clientId, topic, reason },
      'discovery config rejected',
    );
  };
  const rejectState = (topic: string, clientId: string | null, reason: string): void => {
    counters.statesRejected++;
    throttle.warn(log, `st|${clientId}|${topic}`, { clientId, topic, reason }, 'state payload rejected');
  };

  const decode = (payload: Uint8Array, limit: number): string => {
    if (payload.length > limit)
      throw new Rejected(`payload of ${payload.length} bytes is over the ${limit}-byte limit`);
    try {
      return decoder.decode(payload);
    } catch {
      throw new Rejected('payload is not valid UTF-8');
    }
  };

  const announce = (address: string): void => {
    const dev = devices.get(address);
    if (!dev) return;
    const list: EntityAnnouncement[] = [];
    for (const key of dev.keys) {
      const e = entities.get(key);
      if (e) list.push({ key, ...e.model.announcement });
    }
    ctx.sink.deviceAnnounced({
      address,
      name: dev.name,
      manufacturer: dev.manufacturer,
      model: dev.model,
      swVersion: dev.swVersion,
      entities: list,
    });
  };

  const removeEntity = (rec: EntityRecord): string => {
    for (const u of rec.unsubscribe) u();
    rec.unsubscribe = [];
    entities.delete(rec.key);
    byDiscoveryTopic.get(rec.discoveryTopic)?.delete(rec.key);
    if (byDiscoveryTopic.get(rec.discoveryTopic)?.size === 0) byDiscoveryTopic.delete(rec.discoveryTopic);
    devices.get(rec.address)?.keys.delete(rec.key);
    return rec.address;
  };

  /**
   * Announce what is left of each device, or report it gone. `dropped` are the keys the device's
   * own discovery took away: they leave the site, and a device left with none withdrew itself
   * (HA removes an entity on an empty retained config, and the device with its last entity).
   */
  const settle = (addresses: Iterable<string>, dropped?: Map<string, string[]>): void => {
    for (const address of new Set(addresses)) {
      const dev = devices.get(address);
      if (!dev) continue;
      const keys = dropped?.get(address) ?? [];
      if (dev.keys.size === 0) {
        devices.delete(address);
        if (dropped && ctx.sink.deviceWithdrawn) ctx.sink.deviceWithdrawn(address);
        else ctx.sink.deviceRemoved(address);
        log.info({ address }, 'device removed (no entities left)');
      } else {
        announce(address);
        if (keys.length > 0) ctx.sink.entitiesRemoved?.(address, keys);
      }
    }
  };

  const onState = (rec: EntityRecord, binding: StateBinding, msg: BusMessage): void => {
    if (entities.get(rec.key) !== rec) return;
    if (rec.owner !== null && msg.clientId !== null && msg.clientId !== rec.owner) {
      return rejectState(
        msg.topic,
        msg.clientId,
        `entity ${rec.key} belongs to ${rec.owner}, not ${msg.clientId}`,
      );
    }
    let value: StateValue;
    try {
      value = binding.update(decode(msg.payload, MAX_STATE_BYTES), rec.value);
    } catch (err) {
      return rejectState(msg.topic, msg.clientId, reasonOf(err));
    }
    rec.value = value;
    counters.statesAccepted++;
    ctx.sink.stateChanged(rec.address, rec.key, { value, ts: ctx.now(), quality: 'good' });
  };

  const onAvailability = (rec: EntityRecord, entry: AvailabilityEntry, msg: BusMessage): void => {
    const dev = devices.get(rec.address);
    if (entities.get(rec.key) !== rec || !dev) return;
    if (rec.owner !== null && msg.clientId !== null && msg.clientId !== rec.owner) {
      return rejectState(
        msg.topic,
        msg.clientId,
        `device ${rec.address} belongs to ${rec.owner}, not ${msg.clientId}`,
      );
    }
    let online: boolean | null;
    try {
      online = dev.availability.observe(entry, decode(msg.payload, MAX_STATE_BYTES));
    } catch (err) {
      return rejectState(msg.topic, msg.clientId, reasonOf(err));
    }
    if (online !== null && online !== dev.online) {
      dev.online = online;
      ctx.sink.availabilityChanged(rec.address, online);
    }
  };

  const buildCandidate = async (
    component: string,
    cfg: Record<string, unknown>,
    dt: DiscoveryTopic,
    msg: BusMessage,
  ): Promise<Candidate> => {
    const mapper = COMPONENT_MAPPERS.get(component);
    if (!mapper) throw new Rejected(`unsupported component ${JSON.stringify(component.slice(0, 32))}`);
    const common = CommonConfig.parse(cfg);
    const address = common.device?.identifiers?.[0] ?? dt.nodeId;
    if (!address) throw new Rejected('no device identifier and no node_id');
    const deviceName = common.device?.name ?? address;
    const name = typeof common.name === 'string' ? common.name : deviceName;
    const model = mapper.build(cfg, name);
    const availability = availabilityEntries(common);
    for (const a of availability) compileValueTemplate(a.value_template);
    const policy = await topicPolicyError(
      msg.clientId,
      {
        state: [...model.stateBindings.map((b) => b.topic), ...availability.map((a) => a.topic)],
        command: model.commandTopics,
      },
      ctx.mqttAcl,
    );
    if (policy) throw new Rejected(policy);
    const existing = entities.get(common.unique_id);
    if (existing && (existing.owner !== msg.clientId || existing.discoveryTopic !== msg.topic)) {
      throw new Rejected(
        `unique_id ${common.unique_id} already belongs to device ${existing.address} (${existing.discoveryTopic})`,
      );
    }
    const dev = devices.get(address);
    if (dev && dev.owner !== msg.clientId) throw new Rejected(`device ${address} belongs to another client`);
    if (!existing && entities.size >= MAX_ENTITIES) throw new Rejected('entity limit reached');
    if (!existing && dev && dev.keys.size >= MAX_ENTITIES_PER_DEVICE)
      throw new Rejected('entity limit per device reached');
    return {
      key: common.unique_id,
      address,
      device: {
        address,
        name: deviceName,
        manufacturer: common.device?.manufacturer ?? null,
        model: common.device?.model ?? null,
        swVersion: common.device?.sw_version ?? null,
      },
      model,
      availability,
      availabilityMode: common.availability_mode,
      qos: common.qos === 0 ? 0 : 1,
      retain: common.retain,
    };
  };

  const apply = (candidates: Candidate[], msg: BusMessage): void => {
    const touched: string[] = [];
    const fresh: EntityRecord[] = [];
    for (const c of candidates) {
      const old = entities.get(c.key);
      if (old) touched.push(removeEntity(old));
      let dev = devices.get(c.address);
      if (!dev) {
        dev = {
          ...c.device,
          owner: msg.clientId,
          keys: new Set(),
          availability: new DeviceAvailability(),
          online: null,
        };
        devices.set(c.address, dev);
      } else Object.assign(dev, c.device);
      if (c.availability.length > 0) dev.availability.setMode(c.availabilityMode);
      const rec: EntityRecord = {
        key: c.key,
        address: c.address,
        owner: msg.clientId,
        discoveryTopic: msg.topic,
        model: c.model,
        availability: c.availability,
        qos: c.qos,
        retain: c.retain,
        value: undefined,
        unsubscribe: [],
      };
      entities.set(c.key, rec);
      dev.keys.add(c.key);
      let set = byDiscoveryTopic.get(msg.topic);
      if (!set) byDiscoveryTopic.set(msg.topic, (set = new Set()));
      set.add(c.key);
      touched.push(c.address);
      fresh.push(rec);
      counters.configsAccepted++;
    }
    // announce before subscribing, so replayed retained states land on known entities
    settle(touched);
    for (const rec of fresh) {
      if (!bus || entities.get(rec.key) !== rec) continue;
      for (const b of rec.model.stateBindings)
        rec.unsubscribe.push(bus.subscribe(b.topic, (m) => onState(rec, b, m)));
      for (const a of rec.availability)
        rec.unsubscribe.push(bus.subscribe(a.topic, (m) => onAvailability(rec, a, m)));
    }
  };

  const removeDiscovered = (topic: string, clientId: string | null, keep: Set<string> = new Set()): void => {
    const keys = byDiscoveryTopic.get(topic);
    if (!keys) return;
    const dropped = new Map<string, string[]>();
    for (const key of [...keys]) {
      const rec = entities.get(key);
      if (!rec || keep.has(key)) continue;
      if (rec.owner !== clientId && clientId !== null) {
        rejectConfig(topic, clientId, `cannot remove ${key}: it belongs to ${rec.owner}`);
        continue;
      }
      const address = removeEntity(rec);
      dropped.set(address, [...(dropped.get(address) ?? []), key]);
      log.info({ topic, key, address: rec.address }, 'entity removed');
    }
    settle(dropped.keys(), dropped);
  };

  const handleConfig = async (msg: BusMessage): Promise<void> => {
    const dt = parseDiscoveryTopic(prefix, msg.topic);
    if (!dt) return rejectConfig(msg.topic, msg.clientId, 'malformed discovery topic');
    if (msg.payload.length === 0) return removeDiscovered(msg.topic, msg.clientId);
    if (dt.component !== 'device' && !COMPONENT_MAPPERS.has(dt.component)) {
      if (collecting?.clientId === msg.clientId)
        collecting.reasons.push(`${msg.topic}: unsupported platform "${dt.component.slice(0, 32)}"`);
      log.debug(
        { topic: msg.topic, component: dt.component },
        'discovery config for an unsupported component ignored',
      );
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(decode(msg.payload, MAX_CONFIG_BYTES));
    } catch (err) {
      return rejectConfig(
        msg.topic,
        msg.clientId,
        err instanceof Rejected ? err.message : `bad JSON: ${reasonOf(err)}`,
      );
    }
    if (!isPlainObject(json)) return rejectConfig(msg.topic, msg.clientId, 'config is not a JSON object');
    // Truss's own HA export (main/core/broker/ha-export.ts): never re-import it
    const origin = json.origin ?? json.o;
    if (msg.clientId === null && isPlainObject(origin) && origin.name === 'Truss') return;

    const parts: Array<{ component: string; cfg: Record<string, unknown> }> = [];
    let failures = 0;
    if (dt.component === 'device') {
      const top = expandConfig(json);
      const cmps = top.components;
      if (!isPlainObject(cmps))
        return rejectConfig(msg.topic, msg.clientId, 'device config without a cmps object');
      const entries = Object.entries(cmps);
      if (entries.length > MAX_COMPONENTS_PER_DEVICE_CONFIG) {
        return rejectConfig(
          msg.topic,
          msg.clientId,
          `more than ${MAX_COMPONENTS_PER_DEVICE_CONFIG} components`,
        );
      }
      const shared: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of Object.entries(top)) if (k !== 'components' && k !== 'origin') shared[k] = v;
      for (const [objectId, raw] of entries) {
        if (!isPlainObject(raw)) {
          failures++;
          rejectConfig(msg.topic, msg.clientId, `component ${objectId} is not an object`);
          continue;
        }
        const own = expandConfig(raw, top['~'] as string | undefined);
        // HA device discovery: a component given only its platform (`{"p": "sensor"}`) is being
        // removed; like an omitted one it is dropped from the device below
        if (Object.keys(own).length === 1 && typeof own.platform === 'string') continue;
        const cfg = Object.assign(Object.create(null) as Record<string, unknown>, shared, own);
        if (typeof cfg.platform !== 'string') {
          failures++;
          rejectConfig(msg.topic, msg.clientId, `component ${objectId} has no platform`);
          continue;
        }
        parts.push({ component: cfg.platform, cfg });
      }
    } else {
      parts.push({ component: dt.component, cfg: expandConfig(json) });
    }

    const candidates: Candidate[] = [];
    for (const p of parts) {
      // a platform Truss does not model (button, number, select...) is refused with its reason,
      // but is no sign of a broken update: the device's other components are still reconciled
      if (!COMPONENT_MAPPERS.has(p.component)) {
        rejectConfig(
          msg.topic,
          msg.clientId,
          `unsupported component ${JSON.stringify(p.component.slice(0, 32))}`,
        );
        continue;
      }
      try {
        const c = await buildCandidate(p.component, p.cfg, dt, msg);
        if (candidates.some((x) => x.key === c.key))
          throw new Rejected(`duplicate unique_id ${c.key} in one config`);
        candidates.push(c);
      } catch (err) {
        failures++;
        rejectConfig(msg.topic, msg.clientId, reasonOf(err));
      }
    }
    if (!bus) return; // stopped while the policy check was pending
    // a partly invalid config adds what is valid but removes nothing: the device may be mid-update
    if (failures === 0) removeDiscovered(msg.topic, msg.clientId, new Set(candidates.map((c) => c.key)));
    apply(candidates, msg);
  };

  const onConfigMessage = (msg: BusMessage): void => {
    if (pending >= MAX_PENDING_CONFIGS)
      return rejectConfig(msg.topic, msg.clientId, 'too many configs pending');
    pending++;
    queue = queue
      .then(() => handleConfig(msg))
      .catch((err: unknown) =>
        log.error({ topic: msg.topic, reason: reasonOf(err) }, 'discovery config handling failed'),
      )
      .finally(() => {
        pending--;
      });
  };

  const ownerOf = (address: string): string | null => {
    const family = familyOf(address);
    const owner = family ? family.ownerOf(address) : devices.get(address)?.owner;
    return owner ?? null;
  };
  const commissioning =
    ctx.mqttCommissioning && ctx.mqtt
      ? createMqttCommissioning({
          bus: ctx.mqtt,
          hook: ctx.mqttCommissioning,
          sink: ctx.sink,
          files: ctx.files,
          log,
          now: ctx.now,
          discoveryPrefix: prefix,
          zigbee2mqttBase: config.zigbee2mqttBase,
          async ingest(family, msg) {
            if (family === 'ha') {
              const mine = { clientId: msg.clientId, reasons: [] as string[] };
              await queue;
              collecting = mine;
              try {
                onConfigMessage(msg);
                await queue;
              } finally {
                collecting = null;
              }
              return mine.reasons;
            }
            const id = family === 'zigbee2mqtt' ? 'zigbee2mqtt' : family;
            families.find((f) => f.id === id)?.ingest(msg);
            return [];
          },
          knows: (address) =>
            address.startsWith('zigbee2mqtt:') ||
            devices.has(address) ||
            (familyOf(address)?.ownerOf(address) ?? undefined) !== undefined,
          forget: async (address) => {
            const family = familyOf(address);
            if (family) family.forget(address);
            else {
              for (const key of [...(devices.get(address)?.keys ?? [])]) {
                const rec = entities.get(key);
                if (rec) removeEntity(rec);
              }
              settle([address]);
            }
          },
          ownerOf,
          ownedBy: (username) => [
            ...[...devices.values()].filter((d) => d.owner === username).map((d) => d.address),
            ...families.flatMap((f) => f.ownedBy(username)),
          ],
        })
      : undefined;

  return {
    ...(commissioning ? { commissioning, access: commissioning.access } : {}),
    async start() {
      if (bus) return;
      if (!ctx.mqtt) throw new Error('the mqtt adapter needs the embedded broker (ctx.mqtt)');
      bus = ctx.mqtt;
      configUnsubscribe = [
        bus.subscribe(`${prefix}/+/+/config`, onConfigMessage),
        bus.subscribe(`${prefix}/+/+/+/config`, onConfigMessage),
      ];
      for (const f of families)
        f.start({ bus, sink: ctx.sink, log: log.child({ family: f.id }), now: ctx.now });
      // what adopted devices announced, in case they do not announce again
      await commissioning?.restore();
      // HA's birth message: devices that honour it re-send their discovery configs
      await bus.publish(`${prefix}/status`, 'online');
      log.info({ prefix }, 'HA discovery started');
    },

    async stop() {
      await commissioning?.stop();
      for (const u of configUnsubscribe) u();
      configUnsubscribe = [];
      for (const f of families) f.stop();
      bus = null;
      await queue;
      for (const rec of entities.values()) {
        for (const u of rec.unsubscribe) u();
        rec.unsubscribe = [];
      }
    },

    health() {
      if (!bus) return { status: 'down', detail: 'not started' };
      return { status: 'ok', detail: `${devices.size} devices, ${entities.size} entities` };
    },

    diagnostics() {
      return {
        prefix,
        devices: devices.size,
        entities: entities.size,
        pendingConfigs: pending,
        lastRejection,
        ...counters,
        families: Object.fromEntries(families.map((f) => [f.id, f.diagnostics()])),
      };
    },

    async execute(address, entityKey, command) {
      const parsed = EntityCommand.safeParse(command);
      if (!parsed.success) throw new Error(`invalid command: ${describeZodError(parsed.error)}`);
      const family = familyOf(address);
      if (family) {
        if (!bus) throw new Error('the mqtt adapter is not running');
        counters.commands++;
        return family.execute(address, entityKey, parsed.data);
      }
      const rec = entities.get(entityKey);
      if (!rec || rec.address !== address)
        throw new Error(`unknown entity ${entityKey} on device ${address}`);
      if (!bus) throw new Error('the mqtt adapter is not running');
      const out = rec.model.command(parsed.data, rec.value);
      counters.commands++;
      for (const m of out) await bus.publish(m.topic, m.payload, { qos: rec.qos, retain: rec.retain });
      log.debug({ address, key: entityKey, command: parsed.data.type }, 'command sent');
    },

    async remove(address) {
      // forgotten: its kept configs go (it comes back only by announcing again); the login stays
      // until revoked (device.access.revoke), so a device removed by mistake can return
      await commissioning?.forgetDevice(address, { revoke: false });
      const family = familyOf(address);
      if (family) {
        family.forget(address);
        ctx.sink.deviceRemoved(address);
        return;
      }
      const dev = devices.get(address);
      if (!dev) return;
      const topics = new Set<string>();
      for (const key of dev.keys) {
        const rec = entities.get(key);
        if (rec) topics.add(rec.discoveryTopic);
      }
      // forgotten first, so the cleared configs below find nothing left to withdraw
      for (const key of [...dev.keys]) {
        const rec = entities.get(key);
        if (rec) removeEntity(rec);
      }
      settle([address]);
      // clearing the retained configs keeps the device from coming back on the next restart
      if (bus) for (const t of topics) await bus.publish(t, '', { retain: true });
    },
  };
}
