import type { AdapterModule } from '../../shared/adapter/contract.ts';
import { createZigbeeAdapter } from './adapter.ts';
import { manifest, type ZigbeeAdapterConfig } from './manifest.ts';

export { ZigbeeAdapter } from './adapter.ts';
export { ZigbeeAdapterConfig } from './manifest.ts';

export const zigbeeAdapter: AdapterModule<ZigbeeAdapterConfig> = {
  manifest,
  setup: (ctx, config) => createZigbeeAdapter(ctx, config),
};
