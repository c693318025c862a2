import type { AdapterModule } from '../../shared/adapter/contract.ts';
import { bleAdapter } from '../../adapters/ble/index.ts';
import { mqttAdapter } from '../../adapters/mqtt/index.ts';
import { zigbeeAdapter } from '../../adapters/zigbee/index.ts';

/**
 * The device families this build ships. A host picks from here by the ids named in the
 * configuration; adding a family is adding a folder under adapters/ and a line here.
 */
export const ADAPTERS: Record<string, AdapterModule<never>> = {
  mqtt: mqttAdapter as AdapterModule<never>,
  ble: bleAdapter as AdapterModule<never>,
  zigbee: zigbeeAdapter as AdapterModule<never>,
};
