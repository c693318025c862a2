import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { LocalMinute } from '../../../shared/rules/cron.ts';
import { minutesOf } from '../../../shared/rules/primitives.ts';
import type { Schedule, ScheduleSlot } from '../../../shared/rules/schedule.ts';
import { isoDate, minuteOfDay, weekdayName } from './local-time.ts';

/** The programme that runs on a local date: a holiday's stand-in day, or the weekday's own. */
export function programmeFor(
  s: Schedule,
  local: LocalMinute,
): { day: string; slots: ScheduleSlot[]; holiday: string | null } {
  const date = isoDate(local);
  const holiday = s.holidays.find((h) => h.from <= date && date <= h.to);
  const day = holiday ? holiday.useDay : weekdayName(local);
  return {
    day,
    slots: s.week[day],
    holiday: holiday ? holiday.note || `${holiday.from}..${holiday.to}` : null,
  };
}

export function slotCommand(s: Schedule, slot: ScheduleSlot): EntityCommand {
  if (s.kind === 'setpoint') return { type: 'set_setpoint', value: Number(slot.value) };
  return { type: slot.value === true ? 'turn_on' : 'turn_off' };
}

/** Commands a schedule sends at this local minute (a slot starting now). */
export function scheduledCommands(s: Schedule, local: LocalMinute): EntityCommand[] {
  if (!s.enabled) return [];
  const m = minuteOfDay(local);
  return programmeFor(s, local)
    .slots.filter((slot) => minutesOf(slot.at) === m)
    .map((slot) => slotCommand(s, slot));
}

/** The value in force at this local minute (the last slot at or before it today), or null before the first. */
export function valueInForce(s: Schedule, local: LocalMinute): ScheduleSlot['value'] | null {
  const m = minuteOfDay(local);
  const slots = programmeFor(s, local).slots.filter((x) => minutesOf(x.at) <= m);
  slots.sort((a, b) => minutesOf(a.at) - minutesOf(b.at));
  return slots.at(-1)?.value ?? null;
}
