import { z } from 'zod';
import type { AdapterManifest } from '../../shared/adapter/contract.ts';

export const MqttAdapterConfig = z.object({
  discoveryPrefix: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'a topic prefix without wildcards')
    .default('homeassistant'),
});
export type MqttAdapterConfig = z.infer<typeof MqttAdapterConfig>;

export const manifest: AdapterManifest<MqttAdapterConfig> = {
  id: 'mqtt',
  name: 'MQTT devices (Home Assistant discovery)',
  configSchema: MqttAdapterConfig as z.ZodType<MqttAdapterConfig>,
  needs: ['mqtt'],
};
