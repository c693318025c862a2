import type { z } from 'zod';
import type { Role } from '../../domain/user.ts';

/**
 * Who may call a method: 'public' needs no session, 'session' any signed-in user, or a list of
 * roles. Each feature declares its methods in a file of its own here; methods.ts joins them.
 */
export type Access = 'public' | 'session' | readonly Role[];

export const ALL_ROLES = ['admin', 'installer', 'manager', 'viewer'] as const;
export const OPERATORS = ['admin', 'installer', 'manager'] as const;
export const COMMISSIONERS = ['admin', 'installer'] as const;
export const ADMINS = ['admin'] as const;

export interface MethodOptions {
  /**
   * Reads and session plumbing are not audited (false); everything that changes something is,
   * and every refusal is audited whatever this says.
   */
  audited?: boolean;
}

export interface MethodSpec<P extends z.ZodType, R extends z.ZodType> {
  access: Access;
  params: P;
  result: R;
  audited: boolean;
}

export function method<P extends z.ZodType, R extends z.ZodType>(
  access: Access,
  params: P,
  result: R,
  opts: MethodOptions = {},
): MethodSpec<P, R> {
  return { access, params, result, audited: opts.audited ?? true };
}

/** a read: answered, never written to the audit log unless refused */
export const READ = { audited: false } as const;
