import { z } from 'zod';
import { EntityRef, Scalar, TimeOfDay, Weekday } from './primitives.ts';

export type Condition =
  | { type: 'state'; entityId: string; attribute?: string | undefined; equals: z.infer<typeof Scalar> }
  | { type: 'numeric'; entityId: string; above?: number | undefined; below?: number | undefined }
  | { type: 'time'; after: string; before: string }
  | { type: 'weekday'; days: z.infer<typeof Weekday>[] }
  | { type: 'zone_occupied'; zoneId: string; occupied: boolean }
  | { type: 'variable'; name: string; equals: z.infer<typeof Scalar> }
  | { type: 'and' | 'or'; conditions: Condition[] }
  | { type: 'not'; condition: Condition };

const leaf = [
  z
    .object({
      type: z.literal('state'),
      entityId: EntityRef,
      attribute: z.string().max(32).optional(),
      equals: Scalar,
    })
    .strict(),
  z
    .object({
      type: z.literal('numeric'),
      entityId: EntityRef,
      above: z.number().optional(),
      below: z.number().optional(),
    })
    .strict()
    .refine((c) => c.above !== undefined || c.below !== undefined, {
      message: 'set "above" or "below"',
      path: ['above'],
    }),
  /** a window on the local clock; after > before wraps midnight (22:00-06:00) */
  z.object({ type: z.literal('time'), after: TimeOfDay, before: TimeOfDay }).strict(),
  z
    .object({ type: z.literal('weekday'), days: z.array(Weekday).min(1, 'pick at least one day').max(7) })
    .strict(),
  z
    .object({
      type: z.literal('zone_occupied'),
      zoneId: z.string().min(1, 'pick a zone').max(200),
      occupied: z.boolean().default(true),
    })
    .strict(),
  z
    .object({ type: z.literal('variable'), name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), equals: Scalar })
    .strict(),
] as const;

export const Condition: z.ZodType<Condition, unknown> = z.lazy(() =>
  z.union([
    ...leaf,
    z
      .object({
        type: z.enum(['and', 'or']),
        conditions: z.array(Condition).min(1, 'add at least one condition').max(50),
      })
      .strict(),
    z.object({ type: z.literal('not'), condition: Condition }).strict(),
  ]),
) as never;
