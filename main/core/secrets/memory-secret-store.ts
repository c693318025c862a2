import type { SecretStore } from '../../../shared/adapter/contract.ts';

/** Secrets held in memory only: for adapter tests and tools that persist nothing. */
export function createMemorySecretStore(): SecretStore {
  const values = new Map<string, string>();
  return {
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => void values.set(name, value),
    delete: async (name) => void values.delete(name),
  };
}
