import { z } from 'zod';
import { DisplayName } from '../domain/safe-text.ts';
import { AutomationId, EntityRef, IsoDate, TimeOfDay, Weekday, WEEKDAYS } from './primitives.ts';

export const ScheduleSlot = z
  .object({ at: TimeOfDay, value: z.union([z.number().min(-50).max(100), z.boolean()]) })
  .strict();
export type ScheduleSlot = z.infer<typeof ScheduleSlot>;

const Day = z.array(ScheduleSlot).max(48).default([]);

/** On these dates the programme of `useDay` runs instead (a public holiday runs like a Sunday). */
export const HolidayException = z
  .object({ from: IsoDate, to: IsoDate, useDay: Weekday, note: z.string().max(120).default('') })
  .strict()
  .refine((h) => h.from <= h.to, { message: '"to" is before "from"', path: ['to'] });

export const Schedule = z
  .object({
    id: AutomationId,
    name: DisplayName(120, 'give the schedule a name'),
    zoneId: z.string().max(200).nullable().default(null),
    entityId: EntityRef,
    /** setpoint: slots carry a temperature; onoff: slots carry true/false */
    kind: z.enum(['setpoint', 'onoff']),
    enabled: z.boolean().default(true),
    week: z
      .object(
        Object.fromEntries(WEEKDAYS.map((d) => [d, Day])) as Record<(typeof WEEKDAYS)[number], typeof Day>,
      )
      .strict(),
    holidays: z.array(HolidayException).max(100).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    for (const day of WEEKDAYS) {
      s.week[day].forEach((slot, i) => {
        const ok = s.kind === 'setpoint' ? typeof slot.value === 'number' : typeof slot.value === 'boolean';
        if (!ok)
          ctx.addIssue({
            code: 'custom',
            path: ['week', day, i, 'value'],
            message: s.kind === 'setpoint' ? 'a temperature' : 'on or off',
          });
      });
    }
  });
export type Schedule = z.infer<typeof Schedule>;
