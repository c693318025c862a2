import { z } from 'zod';
import { DisplayName } from '../domain/safe-text.ts';
import { Action } from './action.ts';
import { Condition } from './condition.ts';
import { AutomationId } from './primitives.ts';
import { Trigger } from './trigger.ts';

/**
 * What happens when a rule is triggered while a run is still going: single drops the new one,
 * restart aborts the old one, queued runs them one after another, parallel runs them side by
 * side; queued and parallel hold at most `max`.
 */
export const RunMode = z
  .object({
    type: z.enum(['single', 'restart', 'queued', 'parallel']),
    max: z.number().int().min(1).max(100).default(10),
  })
  .strict();
export type RunMode = z.infer<typeof RunMode>;

export const Rule = z
  .object({
    id: AutomationId,
    name: DisplayName(120, 'give the rule a name'),
    description: z.string().max(2000).default(''),
    enabled: z.boolean().default(true),
    mode: RunMode.default({ type: 'single', max: 10 }),
    triggers: z.array(Trigger).min(1, 'add at least one trigger').max(50),
    conditions: z.array(Condition).max(50).default([]),
    actions: z.array(Action).min(1, 'add at least one action').max(100),
    /** more runs than this in the window are dropped (and traced), so a flapping input cannot hammer devices */
    rateLimit: z
      .object({ maxRuns: z.number().int().min(1).max(10_000), perS: z.number().int().min(1).max(86_400) })
      .strict()
      .default({ maxRuns: 30, perS: 60 }),
    /** a delay pending when the core stopped: carried on after the restart, or dropped (and traced) */
    onRestart: z.enum(['resume', 'drop']).default('drop'),
  })
  .strict();
export type Rule = z.infer<typeof Rule>;
export type RuleInput = z.input<typeof Rule>;
