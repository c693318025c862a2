import type { AdapterModule } from '../../shared/adapter/contract.ts';
import { createMqttAdapter } from './adapter.ts';
import { manifest, type MqttAdapterConfig } from './manifest.ts';

export type { MqttAdapterContext } from './adapter.ts';
export type { MqttAclHook } from './discovery/topic-policy.ts';
export { MqttAdapterConfig } from './manifest.ts';

export const mqttAdapter: AdapterModule<MqttAdapterConfig> = {
  manifest,
  setup: (ctx, config) => createMqttAdapter(ctx, config),
};
