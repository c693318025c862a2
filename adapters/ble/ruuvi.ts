import { formatMac, reject, scaled, type Measurement, type ParseResult } from './measurement.ts';

/** Ruuvi Innovations' Bluetooth company id. */
export const RUUVI_COMPANY_ID = 0x0499;

const m = (
  key: string,
  name: string,
  kind: Measurement['kind'],
  deviceClass: string | null,
  unit: string | null,
  value: number,
): Measurement => ({ key, name, kind, deviceClass, unit, value });

/**
 * Ruuvi RAWv2 (data format 5, docs.ruuvi.com), the manufacturer data after the company id.
 * Fields at their "not available" value are left out rather than reported as numbers.
 */
export function parseRuuvi(manufacturerData: Uint8Array): ParseResult {
  const d = manufacturerData;
  if (d.length < 1) return reject('ruuvi', 'empty Ruuvi payload');
  if (d[0] !== 5) return reject('ruuvi', `Ruuvi data format ${d[0]} is not supported (only RAWv2, format 5)`);
  if (d.length !== 24) return reject('ruuvi', `a Ruuvi RAWv2 payload is 24 bytes, got ${d.length}`);
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const out: Measurement[] = [];
  const t = v.getInt16(1);
  if (t !== -32768)
    out.push(m('temperature', 'Temperature', 'sensor', 'temperature', '°C', scaled(t, 0.005)));
  const h = v.getUint16(3);
  if (h !== 0xffff) out.push(m('humidity', 'Humidity', 'sensor', 'humidity', '%', scaled(h, 0.0025)));
  const p = v.getUint16(5);
  if (p !== 0xffff) out.push(m('pressure', 'Pressure', 'sensor', 'pressure', 'hPa', scaled(p + 50000, 0.01)));
  for (const [i, axis] of ['x', 'y', 'z'].entries()) {
    const a = v.getInt16(7 + 2 * i);
    if (a !== -32768)
      out.push(
        m(
          `acceleration_${axis}`,
          `Acceleration ${axis.toUpperCase()}`,
          'sensor',
          null,
          'g',
          scaled(a, 0.001),
        ),
      );
  }
  const power = v.getUint16(13);
  const mv = power >> 5;
  const tx = power & 0x1f;
  if (mv !== 0x7ff)
    out.push(m('voltage', 'Battery voltage', 'sensor', 'voltage', 'V', scaled(mv + 1600, 0.001)));
  if (tx !== 0x1f) out.push(m('tx_power', 'TX power', 'sensor', 'signal_strength', 'dBm', tx * 2 - 40));
  const movement = d[15]!;
  if (movement !== 0xff) out.push(m('movement_counter', 'Movement counter', 'sensor', null, null, movement));
  const seq = v.getUint16(16);
  const mac = formatMac(d.subarray(18, 24));
  if (mac === 'FF:FF:FF:FF:FF:FF' && out.length === 0)
    return reject('ruuvi', 'Ruuvi payload holds no valid values');
  return {
    ok: true,
    format: 'ruuvi',
    encrypted: false,
    packetId: seq === 0xffff ? null : seq,
    counter: null,
    measurements: out,
  };
}
