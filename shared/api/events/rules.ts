import { z } from 'zod';
import { RuleStatus } from '../../rules/trace.ts';

/** Rules running: status changes and the notifications rules send. */
export const RULES_EVENTS = [
  z.object({ type: z.literal('rule.status'), status: RuleStatus }),
  z.object({
    type: z.literal('rule.notify'),
    ruleId: z.string(),
    message: z.string(),
    level: z.string(),
    at: z.number(),
  }),
] as const;
