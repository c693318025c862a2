import { z } from 'zod';
import { Rule } from './rule.ts';
import { Scene } from './scene.ts';
import { Schedule } from './schedule.ts';

export * from './action.ts';
export * from './condition.ts';
export * from './cron.ts';
export * from './primitives.ts';
export * from './rule.ts';
export * from './scene.ts';
export * from './schedule.ts';
export * from './trigger.ts';
export * from './trace.ts';

/** The import/export file: everything automations are, as data. */
export const AutomationBundle = z
  .object({
    format: z.literal('truss-automations'),
    version: z.literal(1),
    rules: z.array(Rule).max(2000).default([]),
    scenes: z.array(Scene).max(2000).default([]),
    schedules: z.array(Schedule).max(2000).default([]),
  })
  .strict();
export type AutomationBundle = z.infer<typeof AutomationBundle>;

/** A zod error as field paths the editor can show next to each field. */
export function fieldErrors(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
}
