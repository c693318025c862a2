import { z } from 'zod';
import { Device } from '../domain/device.ts';
import { Entity, EntityState } from '../domain/entity.ts';
import { Zone } from '../domain/zone.ts';
import { Candidate } from './commissioning.ts';
import { RuleStatus } from '../rules/trace.ts';

/** Changes pushed to subscribed clients after their snapshot. */
export const ApiEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state'), entityId: z.string(), state: EntityState }),
  z.object({ type: z.literal('device'), device: Device }),
  z.object({ type: z.literal('device.removed'), deviceId: z.string() }),
  z.object({ type: z.literal('entity'), entity: Entity }),
  z.object({ type: z.literal('zone'), zone: Zone }),
  z.object({ type: z.literal('zone.removed'), zoneId: z.string() }),
  z.object({ type: z.literal('candidate'), adapter: z.string(), candidate: Candidate }),
  z.object({ type: z.literal('candidate.removed'), adapter: z.string(), candidateId: z.string() }),
  z.object({
    type: z.literal('commissioning.window'),
    adapter: z.string(),
    openUntil: z.number().nullable(),
  }),
  z.object({ type: z.literal('rule.status'), status: RuleStatus }),
  z.object({
    type: z.literal('firmware.progress'),
    deviceId: z.string(),
    percent: z.number(),
    remainingS: z.number().nullable(),
  }),
  z.object({
    type: z.literal('rule.notify'),
    ruleId: z.string(),
    message: z.string(),
    level: z.string(),
    at: z.number(),
  }),
]);
export type ApiEvent = z.infer<typeof ApiEvent>;
