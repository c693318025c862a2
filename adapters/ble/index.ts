import type { AdapterModule } from '../../shared/adapter/contract.ts';
import { createBleAdapter } from './adapter.ts';
import { manifest, type BleAdapterConfig } from './manifest.ts';

export { BleAdapterConfig } from './manifest.ts';
export { parseBTHome } from './bthome.ts';

export const bleAdapter: AdapterModule<BleAdapterConfig> = {
  manifest,
  setup: (ctx, config) => createBleAdapter(ctx, config),
};
