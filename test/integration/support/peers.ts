import { existsSync } from 'node:fs';

/**
 * Whether a real peer a suite needs is installed (Debian's mosquitto, dbusmock's BlueZ,
 * nats-server...). On a developer's machine a missing peer skips the suite with a warning; under
 * CI=true it fails the run instead, so a CI machine without it can never pass green.
 */
export function peerAvailable(ok: boolean, what: string): boolean {
  if (ok) return true;
  if (process.env.CI === 'true')
    throw new Error(`${what} is missing, and CI=true: install it (.ci/run does) rather than skip the suite`);
  console.warn(`skipped: ${what} is missing`);
  return false;
}

/** a program installed at a path, e.g. /usr/bin/mosquitto_pub */
export function programAvailable(path: string, what: string): boolean {
  return peerAvailable(existsSync(path), `${what} (${path})`);
}
