/**
 * MQTT topic and filter rules (MQTT 3.1.1 §4.7), shared by the ACL and the in-process bus.
 * Pure functions: no broker state.
 */

const MAX_TOPIC_LEVELS = 64;
const MAX_TOPIC_BYTES = 1024;

/** A topic a message is published to: no wildcards, no NUL, not empty. */
export function isValidTopicName(topic: string): boolean {
  if (topic.length === 0 || Buffer.byteLength(topic) > MAX_TOPIC_BYTES) return false;
  if (topic.includes('+') || topic.includes('#') || topic.includes('\u0000')) return false;
  return topic.split('/').length <= MAX_TOPIC_LEVELS;
}

/** A subscription filter: `+` fills a whole level, `#` only as the whole last level. */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0 || Buffer.byteLength(filter) > MAX_TOPIC_BYTES) return false;
  if (filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  if (levels.length > MAX_TOPIC_LEVELS) return false;
  return levels.every((level, i) => {
    if (level === '#') return i === levels.length - 1;
    if (level === '+') return true;
    return !level.includes('#') && !level.includes('+');
  });
}

/**
 * Whether every topic matched by `requested` is also matched by `allowed`. A plain topic is the
 * special case of a filter without wildcards, so this serves publish checks and subscribe checks.
 * Wildcards in the first level never reach `$`-topics ($SYS and friends), as the spec requires.
 */
export function filterCovers(allowed: string, requested: string): boolean {
  const a = allowed.split('/');
  const r = requested.split('/');
  const firstIsSystem = r[0]?.startsWith('$') ?? false;
  for (let i = 0; i < a.length; i++) {
    const al = a[i];
    const rl = r[i];
    if (al === '#') return !(i === 0 && firstIsSystem);
    if (rl === undefined) return false;
    if (al === '+') {
      if (rl === '#') return false;
      if (i === 0 && firstIsSystem) return false;
      continue;
    }
    if (al !== rl) return false;
  }
  return a.length === r.length;
}

/** Whether a concrete topic matches a filter. */
export function topicMatches(filter: string, topic: string): boolean {
  return filterCovers(filter, topic);
}
