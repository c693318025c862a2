/**
 * BlueZ property values as dbus-next hands them over (Variants, Buffers, string keys), turned into
 * plain values. Anything of the wrong shape comes back null: a hostile or broken peer must not
 * crash the adapter.
 */

interface VariantLike {
  signature: string;
  value: unknown;
}

export function unwrap(v: unknown): unknown {
  return v !== null && typeof v === 'object' && 'signature' in v && 'value' in v
    ? (v as VariantLike).value
    : v;
}

export function asString(v: unknown): string | null {
  const x = unwrap(v);
  return typeof x === 'string' ? x : null;
}

export function asNumber(v: unknown): number | null {
  const x = unwrap(v);
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

export function asBoolean(v: unknown): boolean | null {
  const x = unwrap(v);
  return typeof x === 'boolean' ? x : null;
}

export function asBytes(v: unknown): Uint8Array | null {
  const x = unwrap(v);
  if (x instanceof Uint8Array) return new Uint8Array(x);
  if (Array.isArray(x) && x.every((b) => Number.isInteger(b) && b >= 0 && b <= 255))
    return Uint8Array.from(x as number[]);
  return null;
}

export function asStringArray(v: unknown): string[] | null {
  const x = unwrap(v);
  return Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : null;
}

/** a{sv} / a{qv} of byte arrays (ServiceData, ManufacturerData); null when malformed */
export function asByteMap(v: unknown): Map<string, Uint8Array> | null {
  const x = unwrap(v);
  if (x === null || typeof x !== 'object' || Array.isArray(x) || x instanceof Uint8Array) return null;
  const out = new Map<string, Uint8Array>();
  for (const [k, val] of Object.entries(x as Record<string, unknown>)) {
    const bytes = asBytes(val);
    if (!bytes) return null;
    out.set(k.toLowerCase(), bytes);
  }
  return out;
}
