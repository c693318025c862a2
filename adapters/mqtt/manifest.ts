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
  name: 'Wi-Fi / MQTT',
  description:
    'Home Assistant MQTT discovery (ESPHome too), Tasmota, Shelly Gen2+ and Zigbee2MQTT bridges, through the embedded broker',
  configSchema: MqttAdapterConfig as z.ZodType<MqttAdapterConfig>,
  commissioning: {
    verb: 'Open enrollment',
    hint: 'Point the device at this broker without a password; it appears here when it announces itself.',
  },
  needs: ['mqtt'],
};
