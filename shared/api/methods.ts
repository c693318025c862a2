import type { z } from 'zod';
import type { Role } from '../domain/user.ts';
import { ADAPTER_SETTINGS_METHODS } from './methods/adapter-settings.ts';
import { AUTH_METHODS } from './methods/auth.ts';
import { DEVICE_METHODS } from './methods/devices.ts';
import { ENERGY_METHODS } from './methods/energy.ts';
import type { Access } from './methods/method.ts';
import { PLAN_METHODS } from './methods/plan.ts';
import { RULES_METHODS } from './methods/rules.ts';
import { SITE_METHODS } from './methods/site.ts';

/**
 * The one contract between the core and any UI. Each feature declares its methods (params schema,
 * validated in the core; result schema; who may call it; whether it is audited) in its own file
 * under methods/; this file joins them. 'public' methods need no session.
 */
export type { Access } from './methods/method.ts';
export { Health, HistoryPoint, Resolution, Snapshot } from './methods/site.ts';
export { FirmwareCheck, MAX_FIRMWARE_BYTES } from './methods/devices.ts';
export { ReplayResult } from './methods/rules.ts';

export const METHODS = {
  ...AUTH_METHODS,
  ...SITE_METHODS,
  ...DEVICE_METHODS,
  ...ADAPTER_SETTINGS_METHODS,
  ...RULES_METHODS,
  ...ENERGY_METHODS,
  ...PLAN_METHODS,
} as const;

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
export type ParamsIn<M extends MethodName> = z.input<Methods[M]['params']>;
export type ParamsOut<M extends MethodName> = z.output<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}

/** True when `role` may call a method with this access rule (a session is assumed present). */
export function roleAllows(access: Access, role: Role): boolean {
  if (access === 'public' || access === 'session') return true;
  return access.includes(role);
}
