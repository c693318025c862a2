import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../../shared/adapter/contract.ts';

export interface NetworkKeys {
  panId: number;
  extendedPanId: number[];
  networkKey: number[];
}

const SECRET = 'network';

/**
 * Per-site network identity, random on first start and kept encrypted by the core: never
 * herdsman's well-known default key, so a neighbour's controller cannot read this network.
 */
export async function loadOrCreateNetworkKeys(secrets: SecretStore): Promise<NetworkKeys> {
  const stored = await secrets.get(SECRET);
  if (stored) return JSON.parse(stored) as NetworkKeys;
  const keys: NetworkKeys = {
    // 0xFFFF/0xFFFE are reserved and 0 is invalid
    panId: 1 + (randomBytes(2).readUInt16LE(0) % 0xfff0),
    extendedPanId: [...randomBytes(8)],
    networkKey: [...randomBytes(16)],
  };
  await secrets.set(SECRET, JSON.stringify(keys));
  return keys;
}
