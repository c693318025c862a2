import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Device passwords are random and stored only as scrypt hashes. Encoded as
 * `scrypt$N$r$p$salt$hash` (base64url) so parameters can be raised later without breaking
 * stored credentials.
 */

const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;
// Upper bound on the work a stored hash may demand, so a corrupted or hostile store entry
// cannot make a CONNECT burn seconds of CPU or gigabytes of memory.
const MAX_N = 1 << 17;

function derive(
  password: Buffer,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
  len: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, len, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(Buffer.from(password, 'utf8'), salt, N, R, P, KEY_LEN);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison; any malformed stored hash verifies as false, never throws. */
export async function verifyPassword(password: Buffer | string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const n = Number(parts[1]);
  const r = Number(parts[2]);
  const p = Number(parts[3]);
  if (![n, r, p].every(Number.isInteger) || n < 2 || n > MAX_N || r < 1 || r > 32 || p < 1 || p > 4)
    return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  try {
    const actual = await derive(pw, salt, n, r, p, expected.length);
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | null = null;
/**
 * Spend the same work for an unknown username as for a known one, so connect timing does not
 * tell an attacker which device names exist.
 */
export async function burnVerification(password: Buffer | string): Promise<void> {
  dummyHash ??= hashPassword(generatePassword());
  await verifyPassword(password, await dummyHash);
}
