import { decryptCcm } from './aes-ccm.ts';
import { formatMac, macBytes, reject, scaled, type Measurement, type ParseResult } from './measurement.ts';

/** Xiaomi MiBeacon service data UUID (16-bit 0xFE95). */
export const MIBEACON_UUID = '0000fe95-0000-1000-8000-00805f9b34fb';

const sensor = (key: string, name: string, unit: string | null, value: number): Measurement => ({
  key,
  name,
  kind: key === 'battery' ? 'battery' : 'sensor',
  deviceClass: key,
  unit,
  value,
});

/** Objects `[type u16 LE][len u8][value]` (reference: Bluetooth-Devices/xiaomi-ble). */
function decodeObjects(data: Uint8Array): Measurement[] | string {
  const out: Measurement[] = [];
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < data.length) {
    if (at + 3 > data.length) return 'truncated MiBeacon object header';
    const type = v.getUint16(at, true);
    const len = data[at + 2]!;
    at += 3;
    if (at + len > data.length) return `truncated MiBeacon object 0x${type.toString(16)}`;
    const o = new DataView(data.buffer, data.byteOffset + at, len);
    at += len;
    switch (type) {
      case 0x1004:
        if (len === 2) out.push(sensor('temperature', 'Temperature', '°C', scaled(o.getInt16(0, true), 0.1)));
        break;
      case 0x1006:
        if (len === 2) out.push(sensor('humidity', 'Humidity', '%', scaled(o.getUint16(0, true), 0.1)));
        break;
      case 0x100d:
        if (len === 4) {
          out.push(sensor('temperature', 'Temperature', '°C', scaled(o.getInt16(0, true), 0.1)));
          out.push(sensor('humidity', 'Humidity', '%', scaled(o.getUint16(2, true), 0.1)));
        }
        break;
      case 0x100a:
        if (len >= 1) out.push(sensor('battery', 'Battery', '%', o.getUint8(0)));
        break;
      case 0x4803:
        if (len === 1) out.push(sensor('battery', 'Battery', '%', o.getUint8(0)));
        break;
      case 0x4c01:
        if (len === 4)
          out.push(sensor('temperature', 'Temperature', '°C', Number(o.getFloat32(0, true).toFixed(2))));
        break;
      case 0x4c02:
        if (len === 1) out.push(sensor('humidity', 'Humidity', '%', o.getUint8(0)));
        break;
      case 0x1019:
        // 0 = open, 1 = closed; 2 (not closed in time) and 3 (reset) carry no door state
        if (len === 1 && o.getUint8(0) <= 1)
          out.push({
            key: 'door',
            name: 'Door',
            kind: 'binary_sensor',
            deviceClass: 'door',
            unit: null,
            value: o.getUint8(0) === 0,
          });
        break;
      default:
        // unknown objects carry their own length: skip them
        break;
    }
  }
  return out;
}

/**
 * Xiaomi MiBeacon service data. Unencrypted frames (v2-v5) and AES-CCM encrypted v4/v5 frames;
 * the legacy v2/v3 encryption is refused with a reason.
 */
export function parseMiBeacon(
  serviceData: Uint8Array,
  options?: { bindKey?: Uint8Array; mac?: string },
): ParseResult {
  const d = serviceData;
  if (d.length < 5) return reject('mibeacon', 'MiBeacon frame is truncated');
  const frctrl = d[0]! | (d[1]! << 8);
  const encrypted = (frctrl & 0x08) !== 0;
  const macIncluded = (frctrl & 0x10) !== 0;
  const capabilityIncluded = (frctrl & 0x20) !== 0;
  const objectIncluded = (frctrl & 0x40) !== 0;
  const version = frctrl >> 12;
  const packetId = d[4]!;
  let at = 5;
  let macReversed: Uint8Array | null = null;
  if (macIncluded) {
    if (d.length < 11) return reject('mibeacon', 'MiBeacon frame is truncated (MAC)');
    macReversed = d.subarray(5, 11);
    at = 11;
    const embedded = formatMac(macReversed.slice().reverse());
    if (options?.mac && embedded !== options.mac.toUpperCase())
      return reject('mibeacon', `MiBeacon frame names another device (${embedded})`);
  }
  if (capabilityIncluded) {
    if (at >= d.length) return reject('mibeacon', 'MiBeacon frame is truncated (capability)');
    const capability = d[at]!;
    at += 1;
    if (capability & 0x20) at += 2; // I/O capability bytes
  }
  if (!objectIncluded)
    return { ok: true, format: 'mibeacon', encrypted, packetId, counter: null, measurements: [] };
  if (at > d.length) return reject('mibeacon', 'MiBeacon frame is truncated');
  let payload = d.subarray(at);
  let counter: number | null = null;
  if (encrypted) {
    if (version < 4)
      return reject('mibeacon', `MiBeacon v${version} encryption is not supported (only v4/v5)`);
    if (!options?.bindKey)
      return reject('mibeacon', 'the device encrypts its data: a bindkey is needed', true);
    if (options.bindKey.length !== 16)
      return reject('mibeacon', 'a MiBeacon v4/v5 bindkey is 16 bytes (32 hex characters)', true);
    if (payload.length < 7 + 1) return reject('mibeacon', 'encrypted MiBeacon payload is truncated');
    const macRev = macReversed ?? (options.mac ? macBytes(options.mac)?.reverse() : null);
    if (!macRev) return reject('mibeacon', 'decrypting MiBeacon needs the device MAC address');
    const ext = payload.subarray(payload.length - 7, payload.length - 4);
    const tag = payload.subarray(payload.length - 4);
    const nonce = new Uint8Array([...macRev, d[2]!, d[3]!, packetId, ...ext]);
    const plain = decryptCcm(
      options.bindKey,
      nonce,
      payload.subarray(0, payload.length - 7),
      tag,
      new Uint8Array([0x11]),
    );
    if (!plain)
      return reject('mibeacon', 'decryption failed: wrong bindkey (or the payload was altered)', true);
    payload = plain;
    counter = (ext[0]! | (ext[1]! << 8) | (ext[2]! << 16)) * 256 + packetId;
  }
  const objects = decodeObjects(payload);
  if (typeof objects === 'string') return reject('mibeacon', objects);
  return { ok: true, format: 'mibeacon', encrypted, packetId, counter, measurements: objects };
}
