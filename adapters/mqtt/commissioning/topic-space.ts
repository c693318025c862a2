/**
 * The topic space a device may use, derived from what it announced, and the two rules that keep
 * one device out of another's: no filter may claim a root that several families or devices share
 * (`cmnd/#` would let a "thermometer" command every Tasmota), and no filter may overlap a topic
 * space another device's credential already holds.
 */
export interface TopicAcl {
  publish: string[];
  subscribe: string[];
}

/**
 * Roots several devices or families share: a filter under one of them must name the device's own
 * second level (`tele/<topic>/#`), never the root itself. The discovery prefix and the Zigbee2MQTT
 * base are added per site (they are configurable).
 */
export const SHARED_ROOTS = [
  'cmnd',
  'stat',
  'tele',
  'tasmota',
  'shellies',
  'homeassistant',
  'zigbee2mqtt',
  'truss',
  'truss-sim',
  'esphome',
  'home',
  'devices',
];

/** The site's shared roots; under the discovery prefix a device is named at level 2 (`<prefix>/<component>/<node_id>/...`). */
export interface TopicSpace {
  roots: ReadonlySet<string>;
  discoveryPrefix: string;
}

export function topicSpace(discoveryPrefix: string, zigbee2mqttBase: string): TopicSpace {
  return {
    roots: new Set([...SHARED_ROOTS, discoveryPrefix, zigbee2mqttBase.split('/')[0]!]),
    discoveryPrefix,
  };
}

/**
 * The narrowest filters that cover `topics`: per first level, the topics' common directory, or the
 * topic itself when only one sits there. Under a shared root the directory must go one level
 * deeper (the device's own name), else the topic stays exact.
 */
export function coveringFilters(topics: readonly string[], space: TopicSpace): string[] {
  const byRoot = new Map<string, string[][]>();
  for (const t of new Set(topics)) {
    const levels = t.split('/');
    const list = byRoot.get(levels[0]!) ?? [];
    list.push(levels);
    byRoot.set(levels[0]!, list);
  }
  const out: string[] = [];
  for (const [root, group] of byRoot) {
    if (group.length === 1) {
      out.push(group[0]!.join('/'));
      continue;
    }
    const common: string[] = [];
    const shortest = Math.min(...group.map((g) => g.length));
    // a directory only: the last level of the shortest topic is a leaf, not a folder
    for (let i = 0; i < shortest - 1; i++) {
      const level = group[0]![i]!;
      if (group.every((g) => g[i] === level)) common.push(level);
      else break;
    }
    const minDepth = space.roots.has(root) || root === '' ? 2 : 1;
    if (common.length >= minDepth) out.push(`${common.join('/')}/#`);
    else out.push(...group.map((g) => g.join('/')));
  }
  return out;
}

/** Whether some topic matches both filters (MQTT 3.1.1 §4.7 wildcards). */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; ; i++) {
    const p = x[i];
    const q = y[i];
    if (p === '#' || q === '#') return true;
    if (p === undefined || q === undefined) return p === q;
    if (p !== '+' && q !== '+' && p !== q) return false;
  }
}

/**
 * A filter that claims a shared root as a whole: `cmnd/#`, `+/#`, `#`, `tele/+/STATE`. Under a
 * shared root the level naming the device must be literal: level 1, or level 2 below the
 * discovery prefix's component level (`homeassistant/+/<node_id>/+/config` is one device's).
 */
export function claimsSharedRoot(filter: string, space: TopicSpace): boolean {
  const levels = filter.split('/');
  const root = levels[0]!;
  if (root === '#' || (root === '+' && levels.length > 1)) return true;
  if (!space.roots.has(root) && root !== '') return false;
  const named = root === space.discoveryPrefix && levels[1] === '+' ? 2 : 1;
  const id = levels[named];
  return id === undefined || id === '#' || id === '+';
}

export interface OtherDevice {
  username: string;
  publish: readonly string[];
  subscribe: readonly string[];
}

/**
 * Why `acl` may not be granted to `username`, or null. Any overlap with another device's own
 * filters counts: publish on its publish topics is spoofing, publish on its subscriptions is
 * commanding it, subscribe on either is reading it. `broadcast` lists filters every device may
 * hold at once (Home Assistant's birth topic, which only the core publishes).
 */
export function aclConflict(
  username: string,
  acl: TopicAcl,
  others: readonly OtherDevice[],
  space: TopicSpace,
  broadcast: ReadonlySet<string> = new Set(),
): string | null {
  for (const [kind, list] of [
    ['publish', acl.publish],
    ['subscribe', acl.subscribe],
  ] as const) {
    for (const f of list) {
      if (broadcast.has(f)) continue;
      if (claimsSharedRoot(f, space))
        return `${kind} filter ${f} would claim the shared topic root "${f.split('/')[0]}" (other devices and families live there)`;
      for (const o of others) {
        if (o.username === username) continue;
        // a tool's or bridge's root-wide filter (a monitor on `#`) owns nothing in particular
        const theirs = [...o.publish, ...o.subscribe].find(
          (g) => !broadcast.has(g) && !claimsSharedRoot(g, space) && filtersOverlap(f, g),
        );
        if (theirs !== undefined)
          return `${kind} filter ${f} overlaps ${theirs}, which belongs to the device "${o.username}"`;
      }
    }
  }
  return null;
}
