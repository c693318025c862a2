import { filterCovers } from './topic-filter.ts';

export interface Acl {
  publish: readonly string[];
  subscribe: readonly string[];
}

export function mayPublish(acl: Acl, topic: string): boolean {
  return acl.publish.some((allowed) => filterCovers(allowed, topic));
}

/** A subscription is granted only when one allowed filter covers everything it could match. */
export function maySubscribe(acl: Acl, filter: string): boolean {
  return acl.subscribe.some((allowed) => filterCovers(allowed, filter));
}
