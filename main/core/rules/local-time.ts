import type { LocalMinute } from '../../../shared/rules/cron.ts';
import { WEEKDAYS, type Weekday } from '../../../shared/rules/primitives.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The site's wall clock at `ts` (time zone rules from the runtime's ICU data, so DST is right). */
export function localMinute(ts: number, timeZone: string): LocalMinute {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(ts)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf((parts.weekday ?? 'Sun').slice(0, 3).toLowerCase() as Weekday),
  };
}

export function isoDate(t: LocalMinute): string {
  return `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

export function minuteOfDay(t: LocalMinute): number {
  return t.hour * 60 + t.minute;
}

export function weekdayName(t: LocalMinute): Weekday {
  return WEEKDAYS[t.weekday] ?? 'sun';
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
