import { z } from 'zod';

export const Availability = z.enum(['online', 'offline', 'unknown']);
export type Availability = z.infer<typeof Availability>;

export const Device = z.object({
  id: z.string(),
  name: z.string(),
  zoneId: z.string().nullable(),
  /** the adapter (device family) that owns it: 'mqtt', 'zigbee', 'ble', ... */
  adapter: z.string(),
  /** the protocol address inside that adapter: HA unique id, IEEE address, BLE MAC */
  address: z.string(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  swVersion: z.string().nullable(),
  availability: Availability,
  lastSeen: z.number().nullable(),
  createdAt: z.number(),
});
export type Device = z.infer<typeof Device>;
