import type { Logger, MqttBus } from '../../../shared/adapter/contract.ts';
import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { Device } from '../../../shared/domain/device.ts';
import type { Entity, EntityState, StateValue } from '../../../shared/domain/entity.ts';

/**
 * Outward interop: Truss's own entities published as Home Assistant MQTT discovery, so
 * dashboards and tools that speak it read and command them. Their commands arrive as MQTT
 * publishes from their own broker credential (its ACL decides which `<root>/<id>/set` topics it
 * may use) and run through the same path as an API command.
 *
 * The configs carry `origin.name = "Truss"`: the MQTT adapter ignores such configs when the core
 * published them, so Truss never re-imports its own export.
 */
export const EXPORT_ORIGIN = 'Truss';

export interface HaExportOptions {
  bus: MqttBus;
  prefix: string;
  root: string;
  log: Logger;
  entities(): Iterable<Entity>;
  device(id: string): Device | undefined;
  state(entityId: string): EntityState | undefined;
  execute(entityId: string, command: EntityCommand): Promise<void>;
}

const COMPONENT: Partial<Record<Entity['kind'], string>> = {
  sensor: 'sensor',
  battery: 'sensor',
  binary_sensor: 'binary_sensor',
  switch: 'switch',
  light: 'light',
  cover: 'cover',
};

const topicSafe = (id: string): string => id.replace(/[^A-Za-z0-9_-]/g, '_');

export function statePayloads(entity: Entity, value: StateValue): Array<[string, string]> {
  if (entity.kind === 'light' && value !== null && typeof value === 'object') {
    const out: Array<[string, string]> = [['state', value.on === false ? 'OFF' : 'ON']];
    if (typeof value.level === 'number') out.push(['brightness', String(value.level)]);
    return out;
  }
  if (typeof value === 'boolean') return [['state', value ? 'ON' : 'OFF']];
  if (value === null) return [['state', 'None']];
  if (typeof value === 'object') return [['state', JSON.stringify(value)]];
  return [['state', String(value)]];
}

export function commandFor(entity: Entity, leaf: string, payload: string): EntityCommand | null {
  const p = payload.trim();
  if (leaf === 'set') {
    if (p === 'ON' || p === 'OPEN') return { type: 'turn_on' };
    if (p === 'OFF' || p === 'CLOSE') return { type: 'turn_off' };
    if (p === 'TOGGLE') return { type: 'toggle' };
    return null;
  }
  if (leaf === 'level' && /^\d{1,3}(\.\d+)?$/.test(p)) {
    const level = Number(p);
    return level <= 100 ? { type: 'set_level', level } : null;
  }
  return null;
}

export function createHaExport(o: HaExportOptions): {
  start(): Promise<void>;
  stop(): Promise<void>;
  entityChanged(e: Entity): Promise<void>;
  stateChanged(id: string, s: EntityState): Promise<void>;
} {
  const byTopicId = new Map<string, Entity>();
  let unsubscribe: (() => void) | null = null;
  const base = (e: Entity): string => `${o.root}/${topicSafe(e.id)}`;

  const config = (e: Entity): Record<string, unknown> | null => {
    const component = COMPONENT[e.kind];
    if (!component) return null;
    const dev = o.device(e.deviceId);
    const t = base(e);
    const cfg: Record<string, unknown> = {
      name: e.name,
      unique_id: `truss_${topicSafe(e.id)}`,
      object_id: `truss_${topicSafe(e.id)}`,
      state_topic: `${t}/state`,
      availability_topic: `${o.root}/status`,
      device: {
        identifiers: [`truss_${topicSafe(e.deviceId)}`],
        name: dev?.name ?? e.deviceId,
        manufacturer: dev?.manufacturer ?? undefined,
        model: dev?.model ?? undefined,
        via_device: 'truss',
      },
      origin: { name: EXPORT_ORIGIN },
    };
    if (e.unit) cfg.unit_of_measurement = e.unit;
    if (e.deviceClass && e.kind !== 'switch' && e.kind !== 'light') cfg.device_class = e.deviceClass;
    if (e.kind === 'battery') cfg.device_class = 'battery';
    if (e.writable && (e.kind === 'switch' || e.kind === 'light')) cfg.command_topic = `${t}/set`;
    if (e.kind === 'light' && e.attributes.dimmable) {
      cfg.brightness_state_topic = `${t}/brightness`;
      cfg.brightness_command_topic = `${t}/level`;
      cfg.brightness_scale = 100;
    }
    if (e.kind === 'cover' && e.writable) {
      cfg.command_topic = `${t}/set`;
      cfg.set_position_topic = `${t}/level`;
      cfg.position_topic = `${t}/state`;
    }
    return { component, ...cfg };
  };

  const publishEntity = async (e: Entity): Promise<void> => {
    const c = config(e);
    if (!c) return;
    const { component, ...body } = c;
    byTopicId.set(topicSafe(e.id), e);
    await o.bus.publish(
      `${o.prefix}/${String(component)}/truss/${topicSafe(e.id)}/config`,
      JSON.stringify(body),
      {
        retain: true,
        qos: 1,
      },
    );
    const s = o.state(e.id);
    if (s) await publishState(e, s);
  };

  const publishState = async (e: Entity, s: EntityState): Promise<void> => {
    for (const [leaf, payload] of statePayloads(e, s.value))
      await o.bus.publish(`${base(e)}/${leaf}`, payload, { retain: true });
  };

  const onCommand = (msg: { topic: string; payload: Uint8Array; clientId: string | null }): void => {
    const [, id, leaf] = msg.topic.split('/');
    const e = id ? byTopicId.get(id) : undefined;
    if (!e || !leaf || msg.payload.length > 64) return;
    const cmd = commandFor(e, leaf, Buffer.from(msg.payload).toString('utf8'));
    if (!cmd) {
      o.log.warn({ clientId: msg.clientId, topic: msg.topic }, 'exported entity: command not understood');
      return;
    }
    o.log.info({ clientId: msg.clientId, entityId: e.id, command: cmd.type }, 'command from an MQTT tool');
    o.execute(e.id, cmd).catch((err: Error) =>
      o.log.warn(
        { clientId: msg.clientId, entityId: e.id, reason: err.message },
        'exported entity: command failed',
      ),
    );
  };

  return {
    async start() {
      unsubscribe = o.bus.subscribe(`${o.root}/+/+`, (m) => {
        const leaf = m.topic.split('/')[2];
        if (m.clientId !== null && (leaf === 'set' || leaf === 'level')) onCommand(m);
      });
      await o.bus.publish(`${o.root}/status`, 'online', { retain: true, qos: 1 });
      for (const e of o.entities()) await publishEntity(e);
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      await o.bus.publish(`${o.root}/status`, 'offline', { retain: true, qos: 1 }).catch(() => {});
    },
    entityChanged: publishEntity,
    async stateChanged(id, s) {
      const e = byTopicId.get(topicSafe(id));
      if (e) await publishState(e, s);
    },
  };
}
