import { isoDate, localMinute } from '../../rules/local-time.ts';

/**
 * Local-calendar arithmetic on top of the rules' `localMinute` (which goes instant -> wall clock).
 * Energy needs the other direction too: where a local day, hour or billing period starts, on DST
 * days of 23 and 25 hours included. Everything here works on "pieces": stretches of time within one
 * local day during which the UTC offset is constant, so a local clock time maps linearly to an
 * instant inside a piece. Offsets come from the runtime's ICU data, as for the rules.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The local wall clock at `ts` minus `ts`, in ms (+3_600_000 for CET). Minute precision, as all real offsets are. */
export function utcOffsetMs(ts: number, timeZone: string): number {
  const floored = Math.floor(ts / MINUTE) * MINUTE;
  const l = localMinute(floored, timeZone);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute) - floored;
}

/** `YYYY-MM-DD` of the local date at `ts`. */
export function localDateOf(ts: number, timeZone: string): string {
  return isoDate(localMinute(ts, timeZone));
}

/** Calendar arithmetic on ISO dates (no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (ISO dates), negative when b is before a. */
export function daysBetween(a: string, b: string): number {
  const ms = (s: string) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((ms(b) - ms(a)) / DAY);
}

/** 0 = Sunday ... 6 = Saturday, of an ISO date. */
export function weekdayOfDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const dayStartCache = new Map<string, number>();

/**
 * The first instant of local date `date` (usually local midnight; where midnight does not exist
 * because a DST jump skips it, the first instant after the jump). Binary search on the local date,
 * so it never depends on guessing the offset right.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  const key = `${timeZone}|${date}`;
  const hit = dayStartCache.get(key);
  if (hit !== undefined) return hit;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  // Offsets lie within -12 h .. +14 h: local midnight is within this window.
  let lo = utcMidnight - 15 * HOUR; // local date before `date`
  let hi = utcMidnight + 13 * HOUR; // local date is `date` (or later)
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (localDateOf(mid, timeZone) >= date) hi = mid;
    else lo = mid;
  }
  if (dayStartCache.size > 20_000) dayStartCache.clear();
  dayStartCache.set(key, hi);
  return hi;
}

/** A stretch within one local day with one UTC offset. */
export interface LocalPiece {
  start: number;
  end: number;
  /** local date of the whole piece */
  date: string;
  /** 0 = Sunday ... 6 = Saturday */
  weekday: number;
  offsetMs: number;
  /** local clock minutes since midnight at `start` (fractional when start is not on a minute) */
  startMinute: number;
}

/** First instant in [a, b) whose offset differs from the offset at a; b when none does. */
function nextOffsetChange(a: number, b: number, timeZone: string): number {
  const o = utcOffsetMs(a, timeZone);
  if (utcOffsetMs(b - 1, timeZone) === o) return b; // one change per day at most in practice
  let lo = a;
  let hi = b - 1;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (utcOffsetMs(mid, timeZone) === o) lo = mid;
    else hi = mid;
  }
  return Math.ceil(hi / MINUTE) * MINUTE;
}

/**
 * Splits [from, to) at local midnights and offset changes. Each piece maps local clock time to
 * instants linearly: instant = start + (localMinute - startMinute) * 60_000.
 */
export function localPieces(from: number, to: number, timeZone: string): LocalPiece[] {
  const out: LocalPiece[] = [];
  let t = from;
  while (t < to) {
    const date = localDateOf(t, timeZone);
    const dayEnd = Math.min(to, startOfLocalDay(addDays(date, 1), timeZone));
    let a = t;
    while (a < dayEnd) {
      const b = nextOffsetChange(a, dayEnd, timeZone);
      const offsetMs = utcOffsetMs(a, timeZone);
      const localMs = a + offsetMs;
      const dayMs = ((localMs % DAY) + DAY) % DAY;
      out.push({
        start: a,
        end: b,
        date,
        weekday: weekdayOfDate(date),
        offsetMs,
        // a piece that starts after the local date changed at an offset jump still starts on `date`
        startMinute: localDateOf(a, timeZone) === date ? dayMs / MINUTE : 0,
      });
      a = b;
    }
    t = dayEnd;
  }
  return out;
}

/** Instants where a local hour starts, within [from, to): 23 on a spring-forward day, 25 on a fall-back day. */
export function localHourStarts(from: number, to: number, timeZone: string): number[] {
  const out: number[] = [];
  for (const p of localPieces(from, to, timeZone)) {
    const local = p.start + p.offsetMs;
    let h = Math.ceil(local / HOUR) * HOUR - p.offsetMs;
    for (; h < p.end; h += HOUR) if (out[out.length - 1] !== h) out.push(h);
  }
  return out;
}

/** Local day starts within [from, to], plus the day containing `from` (so buckets cover it). */
export function localDayStarts(from: number, to: number, timeZone: string): number[] {
  const out: number[] = [];
  let date = localDateOf(from, timeZone);
  for (let s = startOfLocalDay(date, timeZone); s < to; s = startOfLocalDay(date, timeZone)) {
    out.push(s);
    date = addDays(date, 1);
  }
  return out;
}

/** The local day containing `ts`: its date and [start, end) instants (23, 24 or 25 hours long). */
export function localDayBounds(ts: number, timeZone: string): { date: string; start: number; end: number } {
  const date = localDateOf(ts, timeZone);
  return { date, start: startOfLocalDay(date, timeZone), end: startOfLocalDay(addDays(date, 1), timeZone) };
}

/**
 * The instants at which the local clock shows this wall time: one on most days, two in the repeated
 * hour of a fall-back day (earlier first), none in the skipped hour of a spring-forward day.
 */
export function instantsOfLocalTime(date: string, hour: number, minute: number, timeZone: string): number[] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d, hour, minute);
  const offsets = new Set([utcOffsetMs(naive - DAY, timeZone), utcOffsetMs(naive + DAY, timeZone)]);
  offsets.add(utcOffsetMs(naive, timeZone));
  const out = new Set<number>();
  for (const o of offsets) {
    const t = naive - o;
    if (utcOffsetMs(t, timeZone) === o) out.add(t);
  }
  return [...out].sort((a, b) => a - b);
}
