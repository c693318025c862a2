import { z } from 'zod';
import type { AdapterManifest } from '../../shared/adapter/contract.ts';

export const BleAdapterConfig = z
  .object({
    /** D-Bus address of the bus BlueZ is on; null = the system bus */
    busAddress: z.string().min(1).max(500).nullable().default(null),
    /** the controller to use (hci0...); null = the first powered one */
    adapter: z
      .string()
      .regex(/^hci[0-9]{1,3}$/, 'an adapter name such as hci0')
      .nullable()
      .default(null),
    /**
     * active: this controller scans (scan requests, every advertisement reported);
     * passive: an advertisement monitor for the formats we decode, so BlueZ scans passively (no scan
     * requests; BlueZ 5.56+ with experimental features, `bluetoothd -E`).
     */
    scanMode: z.enum(['active', 'passive']).default('active'),
    /** a device not heard for this long is offline */
    availabilityTimeoutSec: z.number().int().min(5).max(86_400).default(900),
    /** a scan candidate not heard for this long leaves the list */
    candidateTtlSec: z.number().int().min(2).max(3600).default(60),
    /** first GATT reconnect delay; it doubles up to gattMaxBackoffMs */
    gattBackoffMs: z.number().int().min(50).max(60_000).default(2000),
    gattMaxBackoffMs: z.number().int().min(100).max(600_000).default(120_000),
  })
  .strict();
export type BleAdapterConfig = z.infer<typeof BleAdapterConfig>;

export const manifest: AdapterManifest<BleAdapterConfig> = {
  id: 'ble',
  name: 'Bluetooth LE',
  description:
    'BTHome, pvvx/ATC, Xiaomi MiBeacon and Ruuvi sensors, and GATT Environmental Sensing devices, through BlueZ',
  configSchema: BleAdapterConfig as z.ZodType<BleAdapterConfig>,
  commissioning: {
    verb: 'Scan',
    hint: 'Sensors in range appear with their decoded values; encrypted ones ask for their bindkey.',
  },
  needs: [],
};
