import { isValidTopicFilter } from './topic-filter.ts';

export interface DeviceCredential {
  /** also the MQTT clientId the device must use */
  username: string;
  passwordHash: string;
  publish: string[];
  subscribe: string[];
  createdAt: number;
  disabled?: boolean;
}

export interface CredentialStore {
  get(username: string): Promise<DeviceCredential | null>;
  put(c: DeviceCredential): Promise<void>;
  delete(username: string): Promise<void>;
  list(): Promise<DeviceCredential[]>;
}

/** Usernames double as clientIds and as topic roots, so keep them to a topic-safe alphabet. */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function assertValidUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new Error(
      `invalid device username ${JSON.stringify(username)}: use 1-64 of [A-Za-z0-9._:-], starting alphanumeric`,
    );
  }
}

export function assertValidAcl(acl: { publish: string[]; subscribe: string[] }): void {
  for (const [kind, list] of [
    ['publish', acl.publish],
    ['subscribe', acl.subscribe],
  ] as const) {
    if (!Array.isArray(list)) throw new Error(`ACL ${kind} must be a list of topic filters`);
    for (const f of list) {
      // devices never need broker-internal `$` topics, and the ACL's own drop topic lives there
      if (typeof f !== 'string' || !isValidTopicFilter(f) || f.startsWith('$')) {
        throw new Error(`invalid ACL ${kind} filter ${JSON.stringify(f)}`);
      }
    }
  }
}

export function createMemoryCredentialStore(): CredentialStore {
  const byName = new Map<string, DeviceCredential>();
  const copy = (c: DeviceCredential): DeviceCredential => ({
    ...c,
    publish: [...c.publish],
    subscribe: [...c.subscribe],
  });
  return {
    async get(username) {
      const c = byName.get(username);
      return c ? copy(c) : null;
    },
    async put(c) {
      byName.set(c.username, copy(c));
    },
    async delete(username) {
      byName.delete(username);
    },
    async list() {
      return [...byName.values()].map(copy);
    },
  };
}
