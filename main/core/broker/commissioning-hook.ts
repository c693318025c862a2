import { hostname, networkInterfaces } from 'node:os';
import type { MqttCommissioningHook } from '../../../shared/adapter/contract.ts';
import type { Broker } from './broker.ts';

/**
 * The address a device on the LAN should dial: the configured host, or, when the broker listens
 * on every interface, this machine's first LAN IPv4 address.
 */
export function lanHost(configured: string): string {
  if (configured !== '0.0.0.0' && configured !== '::' && configured !== '') return configured;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function createCommissioningHook(
  broker: Broker,
  endpoint: () => { host: string; port: number; tlsPort: number | null },
): MqttCommissioningHook {
  return {
    openEnrollment: (untilMs, announce) => broker.openEnrollment(untilMs, announce),
    closeEnrollment: () => broker.closeEnrollment(),
    issueCredential: (username, acl) => broker.issueCredential(username, acl),
    revokeCredential: (username) => broker.revokeCredential(username),
    credential: (username) => broker.credential(username),
    credentials: () => broker.credentials(),
    setAcl: (username, acl) => broker.setAcl(username, acl),
    refusedTraffic: (username) => broker.refusedTraffic(username),
    endpoint: () => {
      const e = endpoint();
      return { ...e, host: lanHost(e.host) };
    },
  };
}

/** The names the broker's server certificate covers: loopback, this host, and its LAN address. */
export function brokerNames(configured: string): string[] {
  const names = ['localhost', '127.0.0.1', hostname()];
  if (!hostname().includes('.')) names.push(`${hostname()}.local`);
  const lan = lanHost(configured);
  if (lan !== '127.0.0.1') names.push(lan);
  if (configured !== '0.0.0.0' && configured !== '::' && configured !== '') names.push(configured);
  return [...new Set(names)];
}
