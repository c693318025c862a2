import { z } from 'zod';
import { AuditEntry, Password, PublicUser, Role, Username } from '../../domain/user.ts';
import { ADMINS, method, READ } from './method.ts';

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/** Sign-in, first-run setup, users and the audit log. */
export const AUTH_METHODS = {
  'auth.status': method('public', Empty, z.object({ needsSetup: z.boolean() }), READ),
  'auth.setup': method(
    'public',
    // the one-time code the core printed on its console / showed in the desktop window
    z.object({ username: Username, password: Password, code: z.string().max(64) }).strict(),
    z.object({ token: z.string(), user: PublicUser }),
  ),
  'auth.login': method(
    'public',
    z.object({ username: z.string().max(64), password: z.string().max(256) }).strict(),
    z.object({ token: z.string(), user: PublicUser }),
  ),
  'auth.logout': method('session', Empty, Ok),
  'auth.me': method('session', Empty, PublicUser, READ),

  'user.list': method(ADMINS, Empty, z.array(PublicUser), READ),
  'user.create': method(
    ADMINS,
    z.object({ username: Username, password: Password, role: Role }).strict(),
    PublicUser,
  ),
  'user.setRole': method(ADMINS, z.object({ userId: z.string(), role: Role }).strict(), PublicUser),
  'user.delete': method(ADMINS, z.object({ userId: z.string() }).strict(), Ok),
  'user.changePassword': method(
    'session',
    z.object({ currentPassword: z.string().max(256), newPassword: Password }).strict(),
    Ok,
  ),

  'audit.list': method(
    ['admin', 'manager'],
    z
      .object({ limit: z.number().int().min(1).max(1000).default(200), before: z.number().optional() })
      .strict(),
    z.array(AuditEntry),
    READ,
  ),
} as const;
