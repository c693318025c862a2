import type { MqttAclHook } from '../../../shared/adapter/contract.ts';
/**
 * Which topics a discovery config may declare. A config is data from a device, so its topics
 * are checked before Truss subscribes to them or publishes commands on them:
 *
 * 1. syntax: 1-256 bytes, no `+`, `#`, NUL or control characters, not a `$` topic, at most 16 levels;
 * 2. ownership, for configs published by a device client (not by the core itself):
 *    - with an ACL hook from the host (`MqttAclHook`), state and availability topics must be
 *      topics that client may publish, and command topics filters it may subscribe to;
 *    - without one, every topic must lie in the client's own tree: its clientId is the first
 *      level (`<clientId>/...`) or the second one under a shared root (`tele/<clientId>/...`,
 *      `truss-sim/<clientId>/...`).
 *
 * So a plug can never declare the main meter's state topic as its own, nor point Truss'
 * commands at another device.
 */
export type { MqttAclHook } from '../../../shared/adapter/contract.ts';

export function topicSyntaxError(topic: string): string | null {
  if (topic.length === 0) return 'empty topic';
  if (new TextEncoder().encode(topic).length > 256) return 'topic longer than 256 bytes';
  if (topic.includes('+') || topic.includes('#')) return 'topic contains a wildcard';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(topic)) return 'topic contains a control character';
  if (topic.startsWith('$')) return 'topic is a $ system topic';
  if (topic.split('/').length > 16) return 'topic has more than 16 levels';
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(topic)) {
    return 'topic is not valid UTF-8';
  }
  return null;
}

export function inOwnTree(clientId: string, topic: string): boolean {
  const levels = topic.split('/');
  return levels[0] === clientId || (levels.length > 2 && levels[1] === clientId);
}

export async function topicPolicyError(
  clientId: string | null,
  topics: { state: string[]; command: string[] },
  acl: MqttAclHook | undefined,
): Promise<string | null> {
  for (const t of [...topics.state, ...topics.command]) {
    const err = topicSyntaxError(t);
    if (err) return `${err}: ${JSON.stringify(t.slice(0, 80))}`;
  }
  if (clientId === null) return null;
  for (const t of topics.state) {
    const ok = acl ? await acl.mayPublish(clientId, t) : inOwnTree(clientId, t);
    if (!ok) return `state topic ${t} is outside what ${clientId} may publish`;
  }
  for (const t of topics.command) {
    const ok = acl ? await acl.maySubscribe(clientId, t) : inOwnTree(clientId, t);
    if (!ok) return `command topic ${t} is outside what ${clientId} may subscribe to`;
  }
  return null;
}
