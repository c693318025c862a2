import { describe, expect, it } from 'vitest';
import { toIndexKey } from '../../../main/core/storage/sqlite-rxstorage/index-key.ts';

// SQLite compares BLOBs with memcmp; this is the same comparison.
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
const jsCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const ALPHABET = [
  'a',
  'Z',
  '0',
  ' ',
  'é',
  'ß',
  '中',
  '\uE000',
  '\uFFFD',
  '\uFFFF',
  '😀',
  '𝄞',
  '\uD800',
  '\u0000',
];
function randomString(random: () => number): string {
  const length = Math.floor(random() * 6);
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return s;
}
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('toIndexKey', () => {
  it('orders like JavaScript string comparison where UTF-8 bytes would not', () => {
    const astral = '😀'; // surrogates D83D DE00
    const highBmp = '\uFFFD';
    expect(jsCompare(astral, highBmp)).toBeLessThan(0);
    expect(compareBytes(Buffer.from(astral, 'utf8'), Buffer.from(highBmp, 'utf8'))).toBeGreaterThan(0);
    expect(compareBytes(toIndexKey(astral), toIndexKey(highBmp))).toBeLessThan(0);
  });

  it('agrees with JavaScript comparison on 20,000 random pairs, prefixes and lone surrogates included', () => {
    const random = seeded(42);
    for (let i = 0; i < 20_000; i++) {
      const a = randomString(random);
      const b = random() < 0.2 ? a + randomString(random) : randomString(random);
      expect(
        Math.sign(compareBytes(toIndexKey(a), toIndexKey(b))),
        `${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
      ).toBe(Math.sign(jsCompare(a, b)));
    }
  });

  it('uses two bytes per UTF-16 code unit', () => {
    expect([...toIndexKey('A😀')]).toEqual([0x00, 0x41, 0xd8, 0x3d, 0xde, 0x00]);
  });
});
