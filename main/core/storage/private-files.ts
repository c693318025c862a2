import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StateFileDamaged, type AdapterFiles } from '../../../shared/adapter/contract.ts';

/**
 * The data folder holds password hashes, keys, logs and device secrets: only the service user may
 * read any of it (directories 0700, files 0600), whatever the umask or an older folder's mode.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const POSIX = process.platform !== 'win32';

/**
 * Makes files this process creates from now on private (SQLite's -wal/-shm, pino-roll's logs, an
 * adapter's library writing its own files): the umask is per process and inherited by every
 * writer, where a chmod after the fact leaves a window. Workers cannot set it; they inherit it.
 */
export function restrictUmask(): void {
  if (!POSIX) return;
  try {
    process.umask(0o077);
  } catch {
    // worker threads may not change the umask; the main thread already did
  }
}

/** Creates `dir` (and parents) as 0700, and tightens it if it already existed looser. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (POSIX) chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Tightens everything under `root` to 0700/0600 (an existing install from before, a folder
 * restored from a backup with its original modes). Symbolic links are not followed.
 * Returns how many entries were loosened and are now fixed, for the log.
 */
export function lockDownTree(root: string): number {
  if (!POSIX || !existsSync(root)) return 0;
  let fixed = 0;
  const visit = (path: string): void => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return; // removed meanwhile (a rotated log, a temp file)
    }
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    if ((st.mode & 0o777) !== want) {
      try {
        chmodSync(path, want);
        fixed++;
      } catch {
        return;
      }
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return fixed;
}

/** Umask and existing modes, both: what a host calls before anything writes into the data folder. */
export function securePrivateDataDir(dataDir: string): number {
  restrictUmask();
  ensurePrivateDir(dataDir);
  return lockDownTree(dataDir);
}

/**
 * Writes a state file so that a power cut leaves either the old or the new content, never a
 * torn one: a private temp file beside it, fsync, rename over the target, fsync the folder.
 */
export function writePrivateFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = dirname(file);
  ensurePrivateDir(dir);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  if (POSIX) {
    // the rename itself is durable only once the directory entry is on disk
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  }
}

/**
 * Reads a JSON state file: undefined when it does not exist, the parsed value when it is whole,
 * a StateFileDamaged (naming the file) when it is not JSON or `validate` refuses it.
 */
export function readJsonStateFile<T>(file: string, validate?: (value: unknown) => T): T | undefined {
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StateFileDamaged(file, `not valid JSON: ${(err as Error).message}`);
  }
  if (!validate) return value as T;
  try {
    return validate(value);
  } catch (err) {
    throw new StateFileDamaged(file, (err as Error).message);
  }
}

/** The file API an adapter gets in its context, rooted at its own folder. */
export function adapterFiles(dir: string): AdapterFiles {
  const path = (name: string): string => {
    if (name === '' || name.includes('/') || name.includes('\\') || name.startsWith('.'))
      throw new Error(`not a plain state-file name: ${JSON.stringify(name)}`);
    return join(dir, name);
  };
  return {
    path,
    write: (name, data) => writePrivateFileAtomic(path(name), data),
    readJson: (name, validate) => readJsonStateFile(path(name), validate),
  };
}
