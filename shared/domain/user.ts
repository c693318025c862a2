import { z } from 'zod';

/** Roles, most to least privileged. Installers commission; managers operate; viewers read. */
export const ROLES = ['admin', 'installer', 'manager', 'viewer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Username = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, underscore and dash only');
export const Password = z.string().min(10, 'at least 10 characters').max(256);

export const PublicUser = z.object({
  id: z.string(),
  username: z.string(),
  role: Role,
  createdAt: z.number(),
});
export type PublicUser = z.infer<typeof PublicUser>;

export const AuditEntry = z.object({
  id: z.string(),
  ts: z.number(),
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(['ok', 'denied', 'error']),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
