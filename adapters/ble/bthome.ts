import { decryptCcm } from './aes-ccm.ts';
import { BTHOME_OBJECTS, BUTTON_EVENTS } from './bthome-objects.ts';
import { macBytes, reject, scaled, withChannels, type Measurement, type ParseResult } from './measurement.ts';

/** BTHome v2 service data UUID (16-bit 0xFCD2). */
export const BTHOME_UUID = '0000fcd2-0000-1000-8000-00805f9b34fb';

function readUint(data: Uint8Array, at: number, length: number, signed: boolean): number {
  let v = 0;
  for (let i = length - 1; i >= 0; i--) v = v * 256 + data[at + i]!;
  if (signed && v >= 2 ** (8 * length - 1)) v -= 2 ** (8 * length);
  return v;
}

/**
 * Decodes BTHome v2 service data (the bytes under UUID 0xFCD2). Encrypted payloads need the
 * device's bindkey and MAC (the nonce holds the MAC). Packet-id de-duplication and the replay
 * check need memory across packets: `ReplayGuard` does them with the returned packetId/counter.
 */
export function parseBTHome(
  serviceData: Uint8Array,
  options?: { bindKey?: Uint8Array; mac?: string },
): ParseResult {
  if (serviceData.length < 1) return reject('bthome', 'empty BTHome payload');
  const info = serviceData[0]!;
  const version = info >> 5;
  if (version !== 2) return reject('bthome', `BTHome version ${version} is not supported (only v2)`);
  const encrypted = (info & 0x01) === 1;
  let payload = serviceData.subarray(1);
  let counter: number | null = null;
  if (encrypted) {
    if (serviceData.length < 1 + 1 + 4 + 4) return reject('bthome', 'encrypted BTHome payload is truncated');
    if (!options?.bindKey) return reject('bthome', 'the device encrypts its data: a bindkey is needed', true);
    if (options.bindKey.length !== 16)
      return reject('bthome', 'a BTHome bindkey is 16 bytes (32 hex characters)', true);
    const mac = options.mac ? macBytes(options.mac) : null;
    if (!mac) return reject('bthome', 'decrypting BTHome needs the device MAC address');
    const counterBytes = serviceData.subarray(serviceData.length - 8, serviceData.length - 4);
    const tag = serviceData.subarray(serviceData.length - 4);
    const ciphertext = serviceData.subarray(1, serviceData.length - 8);
    const nonce = new Uint8Array([...mac, 0xd2, 0xfc, info, ...counterBytes]);
    const plain = decryptCcm(options.bindKey, nonce, ciphertext, tag);
    if (!plain)
      return reject('bthome', 'decryption failed: wrong bindkey (or the payload was altered)', true);
    payload = plain;
    counter = readUint(counterBytes, 0, 4, false);
  }

  const out: Measurement[] = [];
  let packetId: number | null = null;
  let at = 0;
  while (at < payload.length) {
    const id = payload[at]!;
    const obj = BTHOME_OBJECTS.get(id);
    if (!obj) {
      // The length of an unknown object is unknown: what follows cannot be read.
      if (out.length === 0 && packetId === null)
        return reject('bthome', `unknown BTHome object id 0x${id.toString(16).padStart(2, '0')}`);
      break;
    }
    at++;
    let length: number;
    if (obj.length === 'prefixed') {
      if (at >= payload.length) return reject('bthome', `truncated BTHome object 0x${id.toString(16)}`);
      length = payload[at]!;
      at++;
    } else length = obj.length;
    if (at + length > payload.length)
      return reject('bthome', `truncated BTHome object 0x${id.toString(16).padStart(2, '0')}`);
    const bytes = payload.subarray(at, at + length);
    at += length;
    if (id === 0x00) {
      packetId = bytes[0]!;
      continue;
    }
    let value: number | boolean | string;
    if (obj.encoding === 'text') value = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    else if (obj.encoding === 'raw') value = Buffer.from(bytes).toString('hex');
    else if (obj.encoding === 'button') value = BUTTON_EVENTS[bytes[0]!] ?? `unknown_${bytes[0]}`;
    else if (obj.encoding === 'dimmer')
      value = bytes[0] === 0 ? 'none' : `${bytes[0] === 1 ? 'rotate_left' : 'rotate_right'}:${bytes[1]}`;
    else if (obj.kind === 'binary_sensor') value = bytes[0] !== 0;
    else value = scaled(readUint(bytes, 0, length, obj.signed), obj.factor);
    out.push({
      key: obj.key,
      name: obj.name,
      kind: obj.kind,
      deviceClass: obj.deviceClass,
      unit: obj.unit,
      value,
    });
  }
  return { ok: true, format: 'bthome', encrypted, packetId, counter, measurements: withChannels(out) };
}
