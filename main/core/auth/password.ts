import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing for people (UI logins) and devices (broker credentials): scrypt, stored as
 * `scrypt$N$r$p$salt$hash` (base64url) so the cost can be raised later without breaking stored
 * hashes. Verification never throws: a malformed or hostile stored hash verifies as false.
 */

export type PasswordCost = 'user' | 'device';

/** People choose guessable passwords, so theirs cost more; device secrets are 192 random bits. */
const COSTS: Record<PasswordCost, { N: number; r: number; p: number }> = {
  user: { N: 1 << 15, r: 8, p: 1 },
  device: { N: 1 << 14, r: 8, p: 1 },
};
const KEY_LEN = 32;
// Upper bound on the work a stored hash may demand, so a corrupted or hostile entry cannot make a
// login burn seconds of CPU or gigabytes of memory.
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

function toBytes(password: Buffer | string): Buffer {
  return typeof password === 'string' ? Buffer.from(password.normalize('NFKC'), 'utf8') : password;
}

/** A random secret for a device credential. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

export async function hashPassword(password: string, cost: PasswordCost = 'user'): Promise<string> {
  const { N, r, p } = COSTS[cost];
  const salt = randomBytes(16);
  const key = await derive(toBytes(password), salt, N, r, p, KEY_LEN);
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * The fast verifier for a high-entropy secret: `hmac-sha256$salt$mac`. Only for secrets Truss
 * generated itself (192 random bits, generatePassword): a slow KDF protects guessable secrets, and
 * nobody can guess 192 bits, so a salted approved hash suffices (NIST SP 800-63B §5.1.2.2,
 * look-up secrets of at least 112 bits). A device's credential moves to it after one successful
 * scrypt check, so a 2,000-device reconnect storm costs microseconds per device, not 2,000 scrypts.
 */
export function fastVerifier(password: Buffer | string): string {
  const salt = randomBytes(16);
  const mac = createHmac('sha256', salt).update(toBytes(password)).digest();
  return ['hmac-sha256', salt.toString('base64url'), mac.toString('base64url')].join('$');
}

export function isFastVerifier(stored: string): boolean {
  return stored.startsWith('hmac-sha256$');
}

function verifyFast(password: Buffer | string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 3) return false;
  const salt = Buffer.from(parts[1] ?? '', 'base64url');
  const expected = Buffer.from(parts[2] ?? '', 'base64url');
  if (salt.length < 8 || expected.length !== 32) return false;
  const actual = createHmac('sha256', salt).update(toBytes(password)).digest();
  return timingSafeEqual(actual, expected);
}

export async function verifyPassword(password: Buffer | string, stored: string): Promise<boolean> {
  if (isFastVerifier(stored)) return verifyFast(password, stored);
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every(Number.isInteger) || n < 2 || n > MAX_N || r < 1 || r > 32 || p < 1 || p > 4)
    return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
  try {
    const actual = await derive(toBytes(password), salt, n, r, p, expected.length);
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

const dummyHashes: Partial<Record<PasswordCost, Promise<string>>> = {};
/**
 * Spend the same work for an unknown name as for a known one, so response timing does not tell
 * an attacker which usernames or device names exist.
 */
export async function burnVerification(
  password: Buffer | string,
  cost: PasswordCost = 'user',
): Promise<void> {
  dummyHashes[cost] ??= hashPassword(generatePassword(), cost);
  await verifyPassword(password, await dummyHashes[cost]);
}
