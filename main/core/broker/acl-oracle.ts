import { mayPublish, maySubscribe } from './acl.ts';
import type { CredentialStore } from './credentials.ts';

/**
 * The broker's ACL as a question an adapter may ask ("may this client publish there?"), so the
 * HA discovery adapter can hold a config's topics to exactly what its device's credential allows.
 * The host hands it to the mqtt adapter as `ctx.mqttAcl`.
 */
export interface AclOracle {
  mayPublish(clientId: string, topic: string): Promise<boolean>;
  maySubscribe(clientId: string, filter: string): Promise<boolean>;
}

export function createAclOracle(store: CredentialStore): AclOracle {
  const acl = async (clientId: string) => {
    const c = await store.get(clientId);
    return c && !c.disabled ? c : null;
  };
  return {
    async mayPublish(clientId, topic) {
      const c = await acl(clientId);
      return c !== null && mayPublish(c, topic);
    },
    async maySubscribe(clientId, filter) {
      const c = await acl(clientId);
      return c !== null && maySubscribe(c, filter);
    },
  };
}
