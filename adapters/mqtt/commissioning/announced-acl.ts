import { AdapterRefusal } from '../../../shared/adapter/contract.ts';
import { COMPONENT_MAPPERS } from '../components/index.ts';
import { expandConfig, isPlainObject } from '../discovery/abbreviations.ts';
import { topicSyntaxError } from '../discovery/topic-policy.ts';
import { parseDiscoveryTopic } from '../discovery/topic.ts';
import { isRecord, readJson } from '../families/family.ts';
import { parseTasmotaConfig } from '../tasmota/tasmota.ts';
import type { Announcement } from './classify.ts';
import { coveringFilters, type TopicAcl, type TopicSpace } from './topic-space.ts';

/** One message a device published while enrolling, in the order it sent them. */
export interface Frame {
  topic: string;
  payload: Uint8Array;
}

/**
 * The topic space an adopted device gets, read from what it announced rather than from its
 * client id: Tasmota's configured FullTopic and prefixes, Shelly's topic prefix, every topic in a
 * Home Assistant discovery config (ESPHome's `<name>-<mac>` client id publishes under `<name>/`,
 * Tasmota's legacy SetOption19 under `tele/<topic>/` with commands on `cmnd/<topic>/`).
 * Throws an AdapterRefusal naming what in the announcement cannot be granted.
 */
export function announcedAcl(
  a: Announcement,
  frames: readonly Frame[],
  discoveryPrefix: string,
  space: TopicSpace,
): TopicAcl {
  switch (a.family) {
    case 'tasmota':
      return tasmotaAcl(a, frames);
    case 'shelly':
      return {
        publish: [`${a.topic}/#`],
        subscribe: [`${a.topic}/rpc`, `${a.topic}/command/#`],
      };
    case 'ha':
      return discoveryAcl(frames, discoveryPrefix, space);
    case 'zigbee2mqtt':
      return { publish: [`${a.topic}/#`], subscribe: [`${a.topic}/#`] };
  }
}

function tasmotaAcl(a: Announcement, frames: readonly Frame[]): TopicAcl {
  const mac = String(a.detail.mac ?? '').toUpperCase();
  const config = frames.findLast((f) => {
    const l = f.topic.split('/');
    return l.length === 4 && l[0] === 'tasmota' && l[3] === 'config' && l[2]!.toUpperCase() === mac;
  });
  const parsed = config ? readJson(config.payload) : null;
  if (!config || !parsed?.ok)
    throw new AdapterRefusal('the Tasmota discovery config was not kept; let the device announce again');
  const topicMac = config.topic.split('/')[2]!;
  const cfg = parseTasmotaConfig(topicMac, parsed.json);
  return {
    publish: [`tasmota/discovery/${topicMac}/#`, `${cfg.tele}/#`, `${cfg.stat}/#`],
    subscribe: [`${cfg.cmnd}/#`],
  };
}

/** Keys of a discovery config whose topic Truss publishes to (the device subscribes). */
function isCommandKey(key: string): boolean {
  return key.endsWith('command_topic') || key === 'set_position_topic';
}

interface ConfigTopics {
  state: string[];
  command: string[];
}

/** Every topic a (component) config names, by direction. */
function topicsOf(cfg: Record<string, unknown>, out: ConfigTopics): void {
  for (const [key, value] of Object.entries(cfg)) {
    if (key.endsWith('_topic') && typeof value === 'string') {
      (isCommandKey(key) ? out.command : out.state).push(value);
    }
  }
  if (Array.isArray(cfg.availability)) {
    for (const entry of cfg.availability)
      if (isRecord(entry) && typeof entry.topic === 'string') out.state.push(entry.topic);
  }
}

function discoveryAcl(frames: readonly Frame[], prefix: string, space: TopicSpace): TopicAcl {
  const topics: ConfigTopics = { state: [], command: [] };
  const configTopics: string[] = [];
  const problems: string[] = [];
  for (const f of frames) {
    const dt = parseDiscoveryTopic(prefix, f.topic);
    if (!dt) continue;
    if (f.payload.length === 0) continue;
    const parsed = readJson(f.payload);
    if (!parsed.ok || !isPlainObject(parsed.json)) {
      problems.push(`${f.topic}: config is not a JSON object`);
      continue;
    }
    const top = expandConfig(parsed.json);
    const parts: Array<{ platform: string; cfg: Record<string, unknown> }> = [];
    if (dt.component === 'device') {
      if (!isPlainObject(top.components)) {
        problems.push(`${f.topic}: device config without a cmps object`);
        continue;
      }
      for (const [objectId, raw] of Object.entries(top.components)) {
        if (!isPlainObject(raw)) continue;
        const cfg = { ...top, ...expandConfig(raw, top['~'] as string | undefined) };
        if (typeof cfg.platform !== 'string')
          problems.push(`${f.topic}: component ${objectId} has no platform`);
        else parts.push({ platform: cfg.platform, cfg });
      }
    } else parts.push({ platform: dt.component, cfg: top });
    let usable = 0;
    for (const p of parts) {
      if (!COMPONENT_MAPPERS.has(p.platform)) {
        problems.push(`${f.topic}: unsupported platform "${p.platform.slice(0, 32)}"`);
        continue;
      }
      if (typeof p.cfg.unique_id !== 'string' || p.cfg.unique_id.length === 0) {
        problems.push(`${f.topic}: no unique_id (Home Assistant needs one to keep the entity)`);
        continue;
      }
      const mine: ConfigTopics = { state: [], command: [] };
      topicsOf(p.cfg, mine);
      const bad = [...mine.state, ...mine.command]
        .map((t) => [t, topicSyntaxError(t)] as const)
        .find(([, e]) => e);
      if (bad) {
        problems.push(`${f.topic}: ${bad[1]} in ${JSON.stringify(bad[0].slice(0, 80))}`);
        continue;
      }
      topics.state.push(...mine.state);
      topics.command.push(...mine.command);
      usable++;
    }
    if (usable > 0) configTopics.push(dt.nodeId !== null ? `${prefix}/+/${dt.nodeId}/+/config` : f.topic);
  }
  if (configTopics.length === 0)
    throw new AdapterRefusal(
      problems.length > 0
        ? `no usable discovery config: ${problems.slice(0, 5).join('; ')}`
        : 'the device announced no discovery config',
    );
  return {
    publish: [...new Set([...configTopics, ...coveringFilters(topics.state, space)])],
    subscribe: [...new Set([...coveringFilters(topics.command, space), `${prefix}/status`])],
  };
}
