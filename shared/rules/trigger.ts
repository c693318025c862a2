import { z } from 'zod';
import { CronExpression, EntityRef, Scalar, Seconds, TimeOfDay, Weekday } from './primitives.ts';

export const SUN_EVENTS = ['sunrise', 'sunset', 'dawn', 'dusk', 'solarNoon'] as const;

export const StateTrigger = z
  .object({
    type: z.literal('state'),
    entityId: EntityRef,
    /** for composite states (light {on, level}): which field to compare */
    attribute: z.string().max(32).optional(),
    from: Scalar.optional(),
    to: Scalar.optional(),
    /** the new state must hold this long before the rule runs */
    forS: Seconds.default(0),
  })
  .strict();

export const ThresholdTrigger = z
  .object({
    type: z.literal('threshold'),
    entityId: EntityRef,
    above: z.number().optional(),
    below: z.number().optional(),
    /** re-arms only after the value went back past the threshold by this much */
    hysteresis: z.number().min(0).default(0),
    forS: Seconds.default(0),
  })
  .strict()
  .refine((t) => t.above !== undefined || t.below !== undefined, {
    message: 'set "above" or "below"',
    path: ['above'],
  });

export const TimeTrigger = z
  .object({ type: z.literal('time'), at: TimeOfDay, weekdays: z.array(Weekday).max(7).optional() })
  .strict();
export const CronTrigger = z.object({ type: z.literal('cron'), expression: CronExpression }).strict();
export const SunTrigger = z
  .object({
    type: z.literal('sun'),
    event: z.enum(SUN_EVENTS),
    offsetMin: z.number().int().min(-720).max(720).default(0),
  })
  .strict();
export const AvailabilityTrigger = z
  .object({
    type: z.literal('availability'),
    deviceId: z.string().min(1, 'pick a device').max(200),
    to: z.enum(['online', 'offline']),
    forS: Seconds.default(0),
  })
  .strict();
export const ButtonTrigger = z
  .object({ type: z.literal('button'), entityId: EntityRef, event: z.string().max(64).optional() })
  .strict();
export const StartTrigger = z.object({ type: z.literal('start') }).strict();

export const Trigger = z.discriminatedUnion('type', [
  StateTrigger,
  ThresholdTrigger,
  TimeTrigger,
  CronTrigger,
  SunTrigger,
  AvailabilityTrigger,
  ButtonTrigger,
  StartTrigger,
]);
export type Trigger = z.infer<typeof Trigger>;
export type TriggerInput = z.input<typeof Trigger>;
