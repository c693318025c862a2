import { z } from 'zod';
import { DisplayName } from '../../domain/safe-text.ts';
import { EntityCommand } from '../../domain/command.ts';
import {
  AutomationBundle,
  AutomationId,
  Rule,
  RuleStatus,
  Scene,
  Schedule,
  Trace,
} from '../../rules/index.ts';
import { ALL_ROLES, method, OPERATORS, READ } from './method.ts';

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

const RuleWithStatus = z.object({ rule: Rule, status: RuleStatus });
export const ReplayResult = z.object({
  from: z.number(),
  to: z.number(),
  commands: z.array(z.object({ at: z.number(), entityId: z.string(), command: EntityCommand })),
  notifications: z.array(z.object({ at: z.number(), message: z.string(), level: z.string() })),
  traces: z.array(Trace),
  events: z.number(),
});
export type ReplayResult = z.infer<typeof ReplayResult>;

/** Rules, scenes, schedules, and their import/export. */
export const RULES_METHODS = {
  'rules.list': method(
    ALL_ROLES,
    Empty,
    z.object({ rules: z.array(Rule), statuses: z.array(RuleStatus) }),
    READ,
  ),
  'rules.get': method(ALL_ROLES, z.object({ ruleId: AutomationId }).strict(), RuleWithStatus, READ),
  'rules.save': method(OPERATORS, z.object({ rule: Rule }).strict(), RuleWithStatus),
  'rules.delete': method(OPERATORS, z.object({ ruleId: AutomationId }).strict(), Ok),
  'rules.enable': method(
    OPERATORS,
    z.object({ ruleId: AutomationId, enabled: z.boolean() }).strict(),
    RuleStatus,
  ),
  'rules.run': method(
    OPERATORS,
    z.object({ ruleId: AutomationId, skipConditions: z.boolean().default(false) }).strict(),
    Trace,
  ),
  'rules.traces': method(
    ALL_ROLES,
    z
      .object({
        ruleId: z.string().max(200),
        limit: z.number().int().min(1).max(500).default(50),
        before: z.number().optional(),
      })
      .strict(),
    z.array(Trace),
    READ,
  ),
  /** a saved rule by id, or an edited one not yet saved, against recorded history */
  'rules.replay': method(
    ALL_ROLES,
    z
      .object({ ruleId: AutomationId.optional(), rule: Rule.optional(), from: z.number(), to: z.number() })
      .strict()
      .refine((p) => (p.ruleId === undefined) !== (p.rule === undefined), {
        message: 'give either ruleId or rule',
        path: ['ruleId'],
      }),
    ReplayResult,
    READ,
  ),
  'scenes.list': method(ALL_ROLES, Empty, z.array(Scene), READ),
  'scenes.save': method(OPERATORS, z.object({ scene: Scene }).strict(), Scene),
  'scenes.delete': method(OPERATORS, z.object({ sceneId: AutomationId }).strict(), Ok),
  'scenes.apply': method(
    OPERATORS,
    z.object({ sceneId: AutomationId }).strict(),
    z.object({ detail: z.string() }),
  ),
  'scenes.capture': method(
    OPERATORS,
    z
      .object({
        sceneId: AutomationId,
        name: DisplayName(120),
        entityIds: z.array(z.string().max(200)).min(1).max(200),
      })
      .strict(),
    z.object({ scene: Scene, skipped: z.array(z.string()) }),
  ),
  'schedules.list': method(ALL_ROLES, Empty, z.array(Schedule), READ),
  'schedules.save': method(OPERATORS, z.object({ schedule: Schedule }).strict(), Schedule),
  'schedules.delete': method(OPERATORS, z.object({ scheduleId: AutomationId }).strict(), Ok),
  'automations.export': method(ALL_ROLES, Empty, AutomationBundle, READ),
  'automations.import': method(
    OPERATORS,
    z.object({ bundle: AutomationBundle }).strict(),
    z.object({ rules: z.number(), scenes: z.number(), schedules: z.number(), flagged: z.array(z.string()) }),
  ),
} as const;
