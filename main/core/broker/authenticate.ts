import type { Client } from 'aedes';
import type { CredentialStore } from './credentials.ts';
import { burnVerification, fastVerifier, isFastVerifier, verifyPassword } from '../auth/password.ts';
import type { Acl } from './acl.ts';

/** MQTT 3.1.1 CONNACK return codes. */
export const CONNACK_IDENTIFIER_REJECTED = 2;
export const CONNACK_SERVER_UNAVAILABLE = 3;
export const CONNACK_BAD_CREDENTIALS = 4;
export const CONNACK_NOT_AUTHORIZED = 5;

export type AuthResult = { ok: true; acl: Acl } | { ok: false; returnCode: number; reason: string };

/**
 * Every device has its own credential, and its clientId must be its username so one device can
 * never take over (and so kick off) another device's session.
 */
export async function authenticateDevice(
  store: CredentialStore,
  client: Pick<Client, 'id'>,
  username: string | undefined,
  password: Buffer | undefined,
): Promise<AuthResult> {
  if (!username) return { ok: false, returnCode: CONNACK_NOT_AUTHORIZED, reason: 'anonymous connection' };
  if (!password || password.length === 0) {
    return { ok: false, returnCode: CONNACK_BAD_CREDENTIALS, reason: 'no password' };
  }
  if (password.length > 1024)
    return { ok: false, returnCode: CONNACK_BAD_CREDENTIALS, reason: 'password too long' };
  if (client.id !== username) {
    return { ok: false, returnCode: CONNACK_IDENTIFIER_REJECTED, reason: 'clientId differs from username' };
  }
  let cred;
  try {
    cred = await store.get(username);
  } catch (err) {
    return {
      ok: false,
      returnCode: CONNACK_SERVER_UNAVAILABLE,
      reason: `credential store: ${(err as Error).message}`,
    };
  }
  if (!cred) {
    await burnVerification(password, 'device');
    return { ok: false, returnCode: CONNACK_BAD_CREDENTIALS, reason: 'unknown username' };
  }
  if (!(await verifyPassword(password, cred.passwordHash))) {
    return { ok: false, returnCode: CONNACK_BAD_CREDENTIALS, reason: 'wrong password' };
  }
  if (!isFastVerifier(cred.passwordHash) && isGeneratedSecret(password)) {
    // scrypt verified once: from now on this device's logins cost microseconds (see fastVerifier)
    await store.put({ ...cred, passwordHash: fastVerifier(password) }).catch(() => undefined);
  }
  if (cred.disabled) return { ok: false, returnCode: CONNACK_NOT_AUTHORIZED, reason: 'credential disabled' };
  return { ok: true, acl: { publish: [...cred.publish], subscribe: [...cred.subscribe] } };
}

/** what generatePassword makes: 24 random bytes as base64url (32 characters) */
function isGeneratedSecret(password: Buffer): boolean {
  return password.length === 32 && /^[A-Za-z0-9_-]{32}$/.test(password.toString('latin1'));
}

/**
 * A device whose credential already has a fast verifier is checked at once, outside the queue for
 * scrypt checks, so floods of unknown usernames (each burning a scrypt) never hold it back.
 * null: not such a device (go through the queue).
 */
export async function authenticateKnownDevice(
  store: CredentialStore,
  client: Pick<Client, 'id'>,
  username: string | undefined,
  password: Buffer | undefined,
): Promise<AuthResult | null> {
  if (!username || !password || password.length === 0 || password.length > 1024 || client.id !== username)
    return null;
  let cred;
  try {
    cred = await store.get(username);
  } catch {
    return null;
  }
  if (!cred || !isFastVerifier(cred.passwordHash)) return null;
  return authenticateDevice(store, client, username, password);
}
