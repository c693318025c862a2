import { randomInt, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileAtomic } from '../storage/private-files.ts';

export const SETUP_CODE_FILE = 'setup-code.txt';

/** no 0/O, 1/I/L: the code is read off a console and typed by hand */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const GROUPS = 3;
const GROUP_LEN = 4;

/**
 * The one-time code that first-run setup requires (about 59 bits). Whoever can read the
 * console, the desktop window or the private data folder (`setup-code.txt`, 0600, the way
 * Jenkins hands over its initial admin password) is the site's owner; a web page that reached
 * the port (DNS rebinding, a LAN neighbour) cannot create the administrator.
 */
export class SetupCode {
  readonly #file: string;
  #code: string | null = null;

  constructor(dataDir: string) {
    this.#file = join(dataDir, SETUP_CODE_FILE);
  }

  /** A fresh code for this run (a restart issues a new one and overwrites the file). */
  issue(): string {
    const chars = Array.from({ length: GROUPS * GROUP_LEN }, () => ALPHABET[randomInt(ALPHABET.length)]);
    const groups = Array.from({ length: GROUPS }, (_, i) =>
      chars.slice(i * GROUP_LEN, (i + 1) * GROUP_LEN).join(''),
    );
    this.#code = groups.join('-');
    writePrivateFileAtomic(this.#file, `${this.#code}\n`);
    return this.#code;
  }

  current(): string | null {
    return this.#code;
  }

  matches(candidate: string): boolean {
    if (this.#code === null) return false;
    const a = Buffer.from(normalise(candidate));
    const b = Buffer.from(normalise(this.#code));
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Setup is done: the code is spent and its file removed. */
  retire(): void {
    this.#code = null;
    rmSync(this.#file, { force: true });
  }
}

function normalise(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}
