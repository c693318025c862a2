/**
 * What every advertisement parser returns: decoded measurements with units, or a reason a person
 * can act on. Parsers are pure; de-duplication and replay checks live in `replay-guard.ts`.
 */

export type MeasurementKind = 'sensor' | 'binary_sensor' | 'event' | 'battery';

export interface Measurement {
  /** stable key within the device: the quantity, suffixed `_2`, `_3`... for extra channels */
  key: string;
  name: string;
  kind: MeasurementKind;
  deviceClass: string | null;
  unit: string | null;
  value: number | boolean | string;
}

export type BleFormat = 'bthome' | 'pvvx' | 'atc' | 'mibeacon' | 'ruuvi';

export interface Decoded {
  ok: true;
  format: BleFormat;
  encrypted: boolean;
  /** the format's packet id / frame counter, when it has one (BTHome 0x00, MiBeacon frame counter) */
  packetId: number | null;
  /** the encryption counter that must increase (BTHome, MiBeacon v4/v5), when encrypted */
  counter: number | null;
  measurements: Measurement[];
}

export interface Rejected {
  ok: false;
  format: BleFormat;
  /** what went wrong, in words an installer can act on */
  reason: string;
  /** the payload is encrypted and no (or the wrong) bindkey was given */
  needsKey: boolean;
}

export type ParseResult = Decoded | Rejected;

export function reject(format: BleFormat, reason: string, needsKey = false): Rejected {
  return { ok: false, format, reason, needsKey };
}

/** Numbers rounded to the precision their factor implies, so 0.01 steps print as 25.06, not 25.060000000000002. */
export function scaled(raw: number, factor: number): number {
  if (factor === 1) return raw;
  const decimals = Math.max(0, Math.ceil(-Math.log10(factor)) + 1);
  return Number((raw * factor).toFixed(decimals));
}

/** Gives repeated keys a channel suffix: temperature, temperature_2, ... */
export function withChannels(list: Measurement[]): Measurement[] {
  const seen = new Map<string, number>();
  return list.map((m) => {
    const n = (seen.get(m.key) ?? 0) + 1;
    seen.set(m.key, n);
    return n === 1 ? m : { ...m, key: `${m.key}_${n}`, name: `${m.name} ${n}` };
  });
}

export function macBytes(mac: string): Uint8Array | null {
  const hex = mac.replaceAll(':', '').replaceAll('-', '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) return null;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function formatMac(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}
