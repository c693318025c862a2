import { z } from 'zod';
import type { AdapterManifest } from '../../shared/adapter/contract.ts';

export const MqttAdapterConfig = z.object({
  discoveryPrefix: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'a topic prefix without wildcards')
    .default('homeassistant'),
  /** the base topic of a Zigbee2MQTT bridge publishing into Truss's broker */
  zigbee2mqttBase: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'a topic prefix without wildcards')
    .default('zigbee2mqtt'),
});
export type MqttAdapterConfig = z.infer<typeof MqttAdapterConfig>;

export const manifest: AdapterManifest<MqttAdapterConfig> = {
  id: 'mqtt',
  name: 'MQTT devices (Home Assistant discovery)',
  configSchema: MqttAdapterConfig as z.ZodType<MqttAdapterConfig>,
  needs: ['mqtt'],
};
