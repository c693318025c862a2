import { formatMac, reject, scaled, type Measurement, type ParseResult } from './measurement.ts';

/** Service data UUID 0x181A (Environmental Sensing) that ATC1441 and pvvx custom firmware advertise under. */
export const ENVIRONMENTAL_SENSING_UUID = '0000181a-0000-1000-8000-00805f9b34fb';

const temperature = (value: number): Measurement => ({
  key: 'temperature',
  name: 'Temperature',
  kind: 'sensor',
  deviceClass: 'temperature',
  unit: '°C',
  value,
});
const humidity = (value: number): Measurement => ({
  key: 'humidity',
  name: 'Humidity',
  kind: 'sensor',
  deviceClass: 'humidity',
  unit: '%',
  value,
});
const battery = (value: number): Measurement => ({
  key: 'battery',
  name: 'Battery',
  kind: 'battery',
  deviceClass: 'battery',
  unit: '%',
  value,
});
const voltage = (value: number): Measurement => ({
  key: 'voltage',
  name: 'Battery voltage',
  kind: 'sensor',
  deviceClass: 'voltage',
  unit: 'V',
  value,
});

/**
 * ATC1441 (13 bytes, big-endian, MAC in order) and pvvx custom (15 bytes, little-endian, MAC
 * reversed) formats of the LYWSD03MMC/CGG1 custom firmwares (github.com/pvvx/ATC_MiThermometer).
 * The embedded MAC must match the sender's when it is known, so one device cannot speak for another.
 */
export function parsePvvx(serviceData: Uint8Array, mac?: string): ParseResult {
  const d = serviceData;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (d.length === 15) {
    const embedded = formatMac(d.subarray(0, 6).slice().reverse());
    if (mac && embedded !== mac.toUpperCase())
      return reject('pvvx', `pvvx payload names another device (${embedded})`);
    return {
      ok: true,
      format: 'pvvx',
      encrypted: false,
      packetId: d[13]!,
      counter: null,
      measurements: [
        temperature(scaled(view.getInt16(6, true), 0.01)),
        humidity(scaled(view.getUint16(8, true), 0.01)),
        voltage(scaled(view.getUint16(10, true), 0.001)),
        battery(d[12]!),
      ],
    };
  }
  if (d.length === 13) {
    const embedded = formatMac(d.subarray(0, 6));
    if (mac && embedded !== mac.toUpperCase())
      return reject('atc', `ATC payload names another device (${embedded})`);
    return {
      ok: true,
      format: 'atc',
      encrypted: false,
      packetId: d[12]!,
      counter: null,
      measurements: [
        temperature(scaled(view.getInt16(6, false), 0.1)),
        humidity(d[8]!),
        battery(d[9]!),
        voltage(scaled(view.getUint16(10, false), 0.001)),
      ],
    };
  }
  if (d.length === 8 || d.length === 11)
    return reject(
      'pvvx',
      'encrypted pvvx/ATC payloads are not supported: switch the firmware to BTHome (encrypted) or plain pvvx',
    );
  return reject('pvvx', `a pvvx/ATC payload is 13 or 15 bytes, got ${d.length}`);
}
