/**
 * RxDB orders index strings by UTF-16 code units (plain JS `<`), SQLite orders TEXT by UTF-8 bytes.
 * The two disagree once astral characters (surrogate pairs) meet BMP characters above U+E000.
 * Storing index keys as UTF-16 big-endian BLOBs makes SQLite's memcmp ordering identical to
 * RxDB's, including the prefix rule (a shorter prefix sorts first) and lone surrogates.
 */
export function toIndexKey(indexString: string): Uint8Array {
  const bytes = new Uint8Array(indexString.length * 2);
  for (let i = 0; i < indexString.length; i++) {
    const unit = indexString.charCodeAt(i);
    bytes[2 * i] = unit >> 8;
    bytes[2 * i + 1] = unit & 0xff;
  }
  return bytes;
}
