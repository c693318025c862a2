import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '../../../main/core/auth/password.ts';
import { RateLimiter } from '../../../main/core/broker/rate-limiter.ts';
import {
  assertValidAcl,
  assertValidUsername,
  createMemoryCredentialStore,
} from '../../../main/core/broker/credentials.ts';
import { authenticateDevice } from '../../../main/core/broker/authenticate.ts';

describe('passwords', () => {
  it('hashes with scrypt and a random salt, and verifies', async () => {
    const pw = generatePassword();
    expect(pw.length).toBeGreaterThanOrEqual(32);
    const h1 = await hashPassword(pw, 'device');
    const h2 = await hashPassword(pw, 'device');
    expect(h1).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(h1).not.toBe(h2);
    expect(h1).not.toContain(pw);
    expect(await verifyPassword(pw, h1)).toBe(true);
    expect(await verifyPassword(pw + 'x', h1)).toBe(false);
  });

  it('treats malformed or hostile stored hashes as a failed verification', async () => {
    for (const bad of [
      '',
      'plain',
      'scrypt$1$8$1$a$b',
      'scrypt$999999999$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      'md5$x$y$z$a$b',
    ]) {
      expect(await verifyPassword('pw', bad)).toBe(false);
    }
  });
});

describe('credentials', () => {
  it('validates usernames and ACL filters', () => {
    expect(() => assertValidUsername('plug-1.kitchen')).not.toThrow();
    for (const bad of ['', 'a/b', 'a+b', '#', '-x', 'x'.repeat(65), 'a b'])
      expect(() => assertValidUsername(bad)).toThrow();
    expect(() => assertValidAcl({ publish: ['a/#'], subscribe: ['a/+/b'] })).not.toThrow();
    expect(() => assertValidAcl({ publish: ['a/#/b'], subscribe: [] })).toThrow();
    expect(() => assertValidAcl({ publish: ['$truss/denied'], subscribe: [] })).toThrow();
  });

  it('memory store returns copies, so callers cannot mutate stored ACLs', async () => {
    const store = createMemoryCredentialStore();
    await store.put({ username: 'u', passwordHash: 'h', publish: ['u/#'], subscribe: [], createdAt: 1 });
    const got = await store.get('u');
    got!.publish.push('#');
    expect((await store.get('u'))!.publish).toEqual(['u/#']);
    expect((await store.list()).length).toBe(1);
    await store.delete('u');
    expect(await store.get('u')).toBeNull();
  });

  it('authenticates only the right password for a matching clientId and an enabled credential', async () => {
    const store = createMemoryCredentialStore();
    const pw = generatePassword();
    await store.put({
      username: 'u',
      passwordHash: await hashPassword(pw),
      publish: ['u/#'],
      subscribe: [],
      createdAt: 1,
    });
    const ok = await authenticateDevice(store, { id: 'u' }, 'u', Buffer.from(pw));
    expect(ok).toEqual({ ok: true, acl: { publish: ['u/#'], subscribe: [] } });
    expect(await authenticateDevice(store, { id: 'v' }, 'u', Buffer.from(pw))).toMatchObject({
      ok: false,
      returnCode: 2,
    });
    expect(await authenticateDevice(store, { id: 'u' }, undefined, undefined)).toMatchObject({
      ok: false,
      returnCode: 5,
    });
    expect(await authenticateDevice(store, { id: 'u' }, 'u', Buffer.from('x'))).toMatchObject({
      ok: false,
      reason: 'wrong password',
    });
    await store.put({ ...(await store.get('u'))!, disabled: true });
    expect(await authenticateDevice(store, { id: 'u' }, 'u', Buffer.from(pw))).toMatchObject({
      ok: false,
      reason: 'credential disabled',
    });
  });
});

describe('RateLimiter', () => {
  it('allows the rate as a burst, then refills over time', () => {
    let t = 0;
    const r = new RateLimiter(5, () => t);
    expect(Array.from({ length: 7 }, () => r.take('a'))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(r.take('b')).toBe(true); // per client
    t += 400; // two tokens
    expect([r.take('a'), r.take('a'), r.take('a')]).toEqual([true, true, false]);
  });
});
