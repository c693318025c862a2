import { z } from 'zod';

export const TraceStep = z.object({
  /** "actions.2" or "conditions.0.conditions.1" */
  path: z.string(),
  type: z.string(),
  outcome: z.enum(['ok', 'failed', 'skipped', 'true', 'false', 'timeout', 'aborted']),
  at: z.number(),
  durationMs: z.number(),
  detail: z.string().nullable(),
});
export type TraceStep = z.infer<typeof TraceStep>;

export const TraceResult = z.enum([
  'ran',
  'failed',
  'conditions_false',
  'skipped_running',
  'queue_full',
  'rate_limited',
  'loop_stopped',
  'aborted',
  'dropped_on_restart',
]);
export type TraceResult = z.infer<typeof TraceResult>;

export const Trace = z.object({
  id: z.string(),
  ruleId: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  trigger: z.object({ index: z.number(), type: z.string(), detail: z.string().nullable() }),
  result: TraceResult,
  steps: z.array(TraceStep),
  /** other rules that wrote the same entity in the same instant */
  conflicts: z.array(z.object({ entityId: z.string(), otherRuleId: z.string(), at: z.number() })),
});
export type Trace = z.infer<typeof Trace>;

export const RuleStatus = z.object({
  ruleId: z.string(),
  enabled: z.boolean(),
  /** ok, or why the rule is not running as written */
  health: z.enum(['ok', 'loop_stopped', 'missing_entities', 'disabled']),
  problems: z.array(z.string()),
  lastRun: z.number().nullable(),
  lastResult: TraceResult.nullable(),
  running: z.number(),
});
export type RuleStatus = z.infer<typeof RuleStatus>;
