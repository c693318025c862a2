import type { Measurement } from '../measurement.ts';

/** 128-bit form of a Bluetooth SIG 16-bit UUID, as BlueZ spells it. */
export const sig = (short: number): string =>
  `0000${short.toString(16).padStart(4, '0')}-0000-1000-8000-00805f9b34fb`;

export const ENVIRONMENTAL_SENSING = sig(0x181a);
export const BATTERY_SERVICE = sig(0x180f);

export interface GattCharacteristicProfile {
  service: string;
  characteristic: string;
  decode(value: Uint8Array): Measurement | null;
}

/** GATT Specification Supplement: Temperature 0x2A6E (sint16, 0.01 °C), Humidity 0x2A6F (uint16, 0.01 %), Battery Level 0x2A19 (uint8, %). */
export const GATT_PROFILES: GattCharacteristicProfile[] = [
  {
    service: ENVIRONMENTAL_SENSING,
    characteristic: sig(0x2a6e),
    decode: (v) =>
      v.length === 2
        ? {
            key: 'temperature',
            name: 'Temperature',
            kind: 'sensor',
            deviceClass: 'temperature',
            unit: '°C',
            value: Number((new DataView(v.buffer, v.byteOffset).getInt16(0, true) * 0.01).toFixed(2)),
          }
        : null,
  },
  {
    service: ENVIRONMENTAL_SENSING,
    characteristic: sig(0x2a6f),
    decode: (v) =>
      v.length === 2
        ? {
            key: 'humidity',
            name: 'Humidity',
            kind: 'sensor',
            deviceClass: 'humidity',
            unit: '%',
            value: Number((new DataView(v.buffer, v.byteOffset).getUint16(0, true) * 0.01).toFixed(2)),
          }
        : null,
  },
  {
    service: BATTERY_SERVICE,
    characteristic: sig(0x2a19),
    decode: (v) =>
      v.length === 1 && v[0]! <= 100
        ? {
            key: 'battery',
            name: 'Battery',
            kind: 'battery',
            deviceClass: 'battery',
            unit: '%',
            value: v[0]!,
          }
        : null,
  },
];

export function isGattProfileService(uuid: string): boolean {
  return uuid === ENVIRONMENTAL_SENSING || uuid === BATTERY_SERVICE;
}
