export interface DiscoveryTopic {
  component: string;
  nodeId: string | null;
  objectId: string;
}

/** `<prefix>/<component>/[<node_id>/]<object_id>/config`; device-based discovery has component `device`. */
export function parseDiscoveryTopic(prefix: string, topic: string): DiscoveryTopic | null {
  if (!topic.startsWith(prefix + '/') || !topic.endsWith('/config')) return null;
  const parts = topic.slice(prefix.length + 1).split('/');
  parts.pop();
  const ok = (s: string | undefined): s is string =>
    typeof s === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(s);
  if (parts.length === 2 && ok(parts[0]) && ok(parts[1])) {
    return { component: parts[0], nodeId: null, objectId: parts[1] };
  }
  if (parts.length === 3 && ok(parts[0]) && ok(parts[1]) && ok(parts[2])) {
    return { component: parts[0], nodeId: parts[1], objectId: parts[2] };
  }
  return null;
}
