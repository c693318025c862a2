import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEY_FILE_NAME = 'secrets.key';

/**
 * Headless mode's master key: 32 random bytes in a file only the service user can read (0600),
 * created on first start. A copied database without this file reveals no secret. (The desktop
 * shell wraps the key with the OS keychain through Electron's safeStorage instead.)
 */
export function loadOrCreateKeyFile(dataDir: string): Buffer {
  const file = join(dataDir, KEY_FILE_NAME);
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    // Someone loosened it: tighten rather than refuse, and say so in the health report later.
    chmodSync(file, 0o600);
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} is not a 32-byte base64 key: restore it from a backup`);
  return key;
}
