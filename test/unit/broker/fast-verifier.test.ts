import { describe, expect, it } from 'vitest';
import {
  generatePassword,
  hashPassword,
  isFastVerifier,
  verifyPassword,
} from '../../../main/core/auth/password.ts';
import { authenticateDevice, authenticateKnownDevice } from '../../../main/core/broker/authenticate.ts';
import { createMemoryCredentialStore } from '../../../main/core/broker/index.ts';

describe('device credentials: scrypt once, then a fast verifier', () => {
  it('moves a device to the fast verifier after one scrypt check; only the right secret passes', async () => {
    const store = createMemoryCredentialStore();
    const secret = generatePassword();
    await store.put({
      username: 'plug-1',
      passwordHash: await hashPassword(secret, 'device'),
      publish: ['plug-1/#'],
      subscribe: [],
      createdAt: 0,
    });
    const client = { id: 'plug-1' };
    // not yet fast: the known-device path declines, the queued scrypt path verifies and upgrades
    expect(await authenticateKnownDevice(store, client, 'plug-1', Buffer.from(secret))).toBeNull();
    expect((await authenticateDevice(store, client, 'plug-1', Buffer.from(secret))).ok).toBe(true);
    const stored = (await store.get('plug-1'))!.passwordHash;
    expect(isFastVerifier(stored)).toBe(true);
    expect(stored).not.toContain(secret);

    const t0 = performance.now();
    for (let i = 0; i < 1000; i++)
      expect((await authenticateKnownDevice(store, client, 'plug-1', Buffer.from(secret)))?.ok).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000); // 1,000 logins; one scrypt is ~30-60 ms
    expect(
      await authenticateKnownDevice(store, client, 'plug-1', Buffer.from(`${secret.slice(1)}x`)),
    ).toMatchObject({
      ok: false,
      reason: 'wrong password',
    });
    expect(await authenticateKnownDevice(store, { id: 'other' }, 'plug-1', Buffer.from(secret))).toBeNull();
  });

  it('never moves a secret Truss did not generate, and refuses malformed fast verifiers', async () => {
    const store = createMemoryCredentialStore();
    await store.put({
      username: 'bridge',
      passwordHash: await hashPassword('a person chose this', 'device'),
      publish: [],
      subscribe: [],
      createdAt: 0,
    });
    expect(
      (await authenticateDevice(store, { id: 'bridge' }, 'bridge', Buffer.from('a person chose this'))).ok,
    ).toBe(true);
    expect(isFastVerifier((await store.get('bridge'))!.passwordHash)).toBe(false);
    for (const bad of ['hmac-sha256$', 'hmac-sha256$AAAA$BBBB', 'hmac-sha256$a$b$c'])
      expect(await verifyPassword('x', bad)).toBe(false);
  });
});
