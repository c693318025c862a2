import { z } from 'zod';
import type { AdapterManifest } from '../../shared/adapter/contract.ts';

export const ZigbeeAdapterConfig = z
  .object({
    /** a serial device path (/dev/ttyUSB0, COM3) or a network coordinator `tcp://host:port` */
    port: z
      .string()
      .min(1)
      .max(256)
      .refine((p) => !p.startsWith('tcp://') || /^tcp:\/\/[^/:]+:\d{1,5}$/.test(p), 'tcp://host:port'),
    adapterType: z.enum(['zstack', 'ember', 'deconz', 'zboss', 'zigate']).default('zstack'),
    channel: z.number().int().min(11).max(26).default(15),
    /** mains devices not heard from for this long are pinged */
    pingAfterS: z.number().int().min(1).max(86_400).default(600),
    /** battery devices not heard from for this long are offline (they cannot be pinged) */
    batteryTimeoutS: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(25 * 3600),
    /** pause between OTA image blocks; slow or sleepy radios drop blocks sent back to back */
    otaBlockDelayMs: z.number().int().min(0).max(5000).default(250),
  })
  .strict();
export type ZigbeeAdapterConfig = z.infer<typeof ZigbeeAdapterConfig>;

export const manifest: AdapterManifest<ZigbeeAdapterConfig> = {
  id: 'zigbee',
  name: 'Zigbee',
  description:
    'Zigbee 3.0 devices through a Z-Stack, EmberZNet, deCONZ, ZBOSS or ZiGate coordinator (zigbee-herdsman)',
  configSchema: ZigbeeAdapterConfig as z.ZodType<ZigbeeAdapterConfig>,
  commissioning: {
    verb: 'Permit joining',
    hint: 'Reset or power on the device near a router; it joins, is interviewed, and appears here.',
    preJoinSecret: { label: 'Install code or QR payload', placeholder: 'Z:00124B00...$I:83FED340...' },
  },
  needs: [],
};
