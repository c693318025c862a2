import { z } from 'zod';
import { parseCron } from './cron.ts';

export const AutomationId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, "-" and "_" (at most 64)');
export const EntityRef = z.string().min(1, 'pick an entity').max(200);
export const Scalar = z.union([z.number(), z.string().max(200), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof Scalar>;
/** "HH:MM" on the site's local clock */
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (00:00-23:59)');
export const Seconds = z
  .number()
  .int('whole seconds')
  .min(0)
  .max(7 * 86_400);
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;
export const CronExpression = z
  .string()
  .max(200)
  .superRefine((v, ctx) => {
    try {
      parseCron(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `invalid cron: ${(err as Error).message}` });
    }
  });
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
