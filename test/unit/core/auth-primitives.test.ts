import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../../main/core/auth/login-throttle.ts';
import { hashPassword, verifyPassword } from '../../../main/core/auth/password.ts';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await hashPassword('a device secret', 'device')).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
  });

  it('salts: the same password hashes differently', async () => {
    expect(await hashPassword('same password!')).not.toBe(await hashPassword('same password!'));
  });

  it('refuses malformed and cost-bomb hashes instead of throwing', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1$1$1$AAAA$AAAA')).toBe(false);
    expect(await verifyPassword('x', `scrypt$${2 ** 30}$8$1$AAAA$${'A'.repeat(44)}`)).toBe(false);
  });
});

describe('LoginThrottle', () => {
  it('blocks after five failures within the window and forgets after it', () => {
    let now = 1_000_000;
    const t = new LoginThrottle({ maxFailures: 5, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 4; i++) t.fail('Admin');
    expect(t.retryAfter('admin')).toBe(0);
    t.fail('admin');
    expect(t.retryAfter('ADMIN')).toBeGreaterThan(0);
    now += 60_001;
    expect(t.retryAfter('admin')).toBe(0);
  });

  it('a success clears the count', () => {
    const t = new LoginThrottle({ maxFailures: 2 });
    t.fail('u');
    t.succeed('u');
    t.fail('u');
    expect(t.retryAfter('u')).toBe(0);
  });
});
