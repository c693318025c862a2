import { expandConfig, isPlainObject } from '../discovery/abbreviations.ts';
import { isRecord, readJson } from '../families/family.ts';
import { parseTasmotaConfig } from '../tasmota/tasmota.ts';

export type FamilyId = 'tasmota' | 'shelly' | 'ha' | 'zigbee2mqtt';

/** What one announcement from an enrolling device says about it. */
export interface Announcement {
  id: string;
  family: FamilyId;
  /** the device address the family will announce once adopted */
  address: string;
  label: string;
  /** the device's topic, typed into its web page */
  topic: string;
  /**
   * the broker username the device gets: the client id it enrolled with, so the installer types
   * only a user name and password, never a new client id
   */
  username: string;
  detail: Record<string, string | number | boolean | null>;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

const str = (v: unknown, max = 80): string | null => (typeof v === 'string' ? v.slice(0, max) : null);

/**
 * Reads an announcement an enrolling device published (topic without the sandbox prefix).
 * Returns null for messages that identify nothing; throws with a reason for malformed ones.
 */
export function classify(
  clientId: string,
  topic: string,
  payload: Uint8Array,
  discoveryPrefix: string,
  zigbee2mqttBase = 'zigbee2mqtt',
): Announcement | null {
  const levels = topic.split('/');
  if (levels[0] === 'tasmota' && levels[1] === 'discovery' && levels[3] === 'config') {
    const parsed = readJson(payload);
    if (!parsed.ok) throw new Error(parsed.reason);
    const cfg = parseTasmotaConfig(levels[2] ?? '', parsed.json);
    const json = parsed.json as Record<string, unknown>;
    const t = String(json.t);
    // hatasmota refuses a config whose `mac` is not the one in its topic (discovery.py)
    const said = typeof json.mac === 'string' ? json.mac.toUpperCase() : null;
    if (said !== cfg.mac)
      throw new Error(`the config's MAC ${JSON.stringify(json.mac)} does not match its topic's ${cfg.mac}`);
    return {
      id: cfg.address,
      family: 'tasmota',
      address: cfg.address,
      label: `${cfg.model ?? 'Tasmota'} (${cfg.name})`,
      topic: t,
      username: clientId,
      detail: { family: 'Tasmota', mac: cfg.mac, ip: str(json.ip, 45), firmware: cfg.sw, clientId },
    };
  }
  if (levels.length === 2 && levels[1] === 'online') return shelly(levels[0]!, null, clientId);
  if (levels.length === 3 && levels[1] === 'events' && levels[2] === 'rpc') {
    const parsed = readJson(payload);
    const src = parsed.ok && isRecord(parsed.json) ? str(parsed.json.src, 64) : null;
    return shelly(levels[0]!, src, clientId);
  }
  if (levels[0] === discoveryPrefix && levels[levels.length - 1] === 'config') {
    const parsed = readJson(payload);
    if (!parsed.ok || !isPlainObject(parsed.json)) throw new Error('discovery config is not a JSON object');
    const cfg = expandConfig(parsed.json);
    const dev = isPlainObject(cfg.device) ? cfg.device : {};
    const ids = Array.isArray(dev.identifiers) ? dev.identifiers[0] : dev.identifiers;
    const nodeId = levels.length === 5 ? levels[2] : null;
    const address = typeof ids === 'string' && ids.length > 0 ? ids : nodeId;
    if (!address) throw new Error('discovery config names no device');
    return {
      id: `ha:${clientId}`,
      family: 'ha',
      address,
      label: str(dev.name) ?? clientId,
      topic: clientId,
      username: clientId,
      detail: {
        family: 'Home Assistant discovery',
        model: str(dev.model),
        manufacturer: str(dev.manufacturer),
        clientId,
      },
    };
  }
  if (topic === `${zigbee2mqttBase}/bridge/devices` || topic === `${zigbee2mqttBase}/bridge/info`) {
    return {
      id: `zigbee2mqtt:${clientId}`,
      family: 'zigbee2mqtt',
      address: `zigbee2mqtt:${clientId}`,
      label: 'Zigbee2MQTT bridge',
      topic: zigbee2mqttBase,
      username: clientId,
      detail: { family: 'Zigbee2MQTT', clientId },
    };
  }
  return null;
}

function shelly(prefix: string, src: string | null, clientId: string): Announcement {
  if (!USERNAME.test(prefix))
    throw new Error(`Shelly prefix ${JSON.stringify(prefix)} is not a valid topic level`);
  return {
    id: `shelly:${prefix}`,
    family: 'shelly',
    address: `shelly:${prefix}`,
    label: src ?? prefix,
    topic: prefix,
    username: clientId,
    detail: { family: 'Shelly', model: src?.split('-')[0] ?? null, clientId },
  };
}
