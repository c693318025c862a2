import { utcOffsetMs } from '../tariffs/local-calendar.ts';

/** minute of the local day (0..1439) at `ms` */
export function localMinuteOfDay(ms: number, timeZone: string): number {
  const local = ms + utcOffsetMs(ms, timeZone);
  return Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
}

export function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** whether a local minute lies in [from, to), a window that may cross midnight */
export function inWindow(minute: number, from: number, to: number): boolean {
  return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
}

/**
 * The local minute of day at each slot's start. Computed per slot, not added up, so the 23- and
 * 25-hour days of DST changes land on the right local times.
 */
export function slotMinutes(start: number, slotMs: number, slots: number, timeZone: string): number[] {
  return Array.from({ length: slots }, (_, t) => localMinuteOfDay(start + t * slotMs, timeZone));
}

/**
 * The first slot from `from` whose local time has reached `hhmm` (the slot that contains it),
 * or null when the horizon ends first.
 */
export function firstSlotAtOrAfter(minutes: readonly number[], from: number, hhmm: string): number | null {
  const target = clockMinutes(hhmm);
  for (let t = Math.max(1, from); t < minutes.length; t++) {
    const prev = minutes[t - 1]!;
    const cur = minutes[t]!;
    // the local clock moved forward from prev to cur (across midnight, or over a skipped DST hour)
    // and passed the target; a DST fall-back moves it backwards and passes nothing
    const step = (cur - prev + 1440) % 1440;
    if (step >= 720) continue;
    const ahead = (target - prev + 1440) % 1440;
    if (ahead > 0 && ahead <= step) return t;
  }
  return null;
}
