import { z } from 'zod';
import { EntityCommand } from '../domain/command.ts';
import { AutomationId, EntityRef, Scalar, Seconds } from './primitives.ts';
import { Trigger } from './trigger.ts';

export const Action = z.discriminatedUnion('type', [
  z.object({ type: z.literal('command'), entityId: EntityRef, command: EntityCommand }).strict(),
  z.object({ type: z.literal('scene'), sceneId: AutomationId }).strict(),
  z.object({ type: z.literal('delay'), seconds: Seconds.min(1, 'at least 1 s') }).strict(),
  z
    .object({
      type: z.literal('wait_for_trigger'),
      trigger: Trigger,
      timeoutS: Seconds.min(1, 'at least 1 s'),
      /** on timeout: go on with the next action, or end the run */
      continueOnTimeout: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      type: z.literal('notify'),
      message: z.string().trim().min(1, 'write a message').max(500),
      level: z.enum(['info', 'warning', 'alarm']).default('info'),
    })
    .strict(),
  z
    .object({
      type: z.literal('set_variable'),
      name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lowercase name (a-z, 0-9, _)'),
      value: Scalar,
    })
    .strict(),
  z.object({ type: z.literal('set_rule_enabled'), ruleId: AutomationId, enabled: z.boolean() }).strict(),
]);
export type Action = z.infer<typeof Action>;
