/**
 * A five-field cron matcher (minute hour day-of-month month day-of-week) evaluated on the site's
 * local wall-clock fields. The engine ticks once a minute, so matching a minute is all it needs;
 * this keeps cron deterministic under the simulated clock without a timer per expression.
 */
export interface CronSpec {
  minute: Set<number>;
  hour: Set<number>;
  dayOfMonth: Set<number>;
  month: Set<number>;
  dayOfWeek: Set<number>;
  /** cron's rule: when both day fields are restricted, either may match */
  domRestricted: boolean;
  dowRestricted: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseField(text: string, min: number, max: number, names: string[] | null, label: string) {
  const out = new Set<number>();
  const value = (s: string): number => {
    const lower = s.toLowerCase();
    const named = names ? names.indexOf(lower) : -1;
    const n = named >= 0 ? named + (names === MONTHS ? 1 : 0) : /^\d+$/.test(s) ? Number(s) : NaN;
    if (!Number.isInteger(n)) throw new Error(`${label}: "${s}" is not a number`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    if (range === undefined || range === '') throw new Error(`${label}: empty item`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`${label}: bad step "${stepText}"`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = min;
      hi = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = value(a ?? '');
      hi = value(b ?? '');
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    // Sunday may be written 7.
    if (names === DAYS) {
      if (lo === 7) lo = 0;
      if (hi === 7 && lo !== 0) hi = 6;
    }
    if (lo < min || hi > max || lo > hi) throw new Error(`${label}: ${range} is outside ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
    if (names === DAYS && range.endsWith('-7')) out.add(0);
  }
  return out;
}

export function parseCron(expression: string): CronSpec {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new Error(`expected 5 fields (minute hour day month weekday), got ${fields.length}`);
  const [mi, h, dom, mo, dow] = fields as [string, string, string, string, string];
  return {
    minute: parseField(mi, 0, 59, null, 'minute'),
    hour: parseField(h, 0, 23, null, 'hour'),
    dayOfMonth: parseField(dom, 1, 31, null, 'day of month'),
    month: parseField(mo, 1, 12, MONTHS, 'month'),
    dayOfWeek: parseField(dow, 0, 7, DAYS, 'weekday'),
    domRestricted: dom !== '*',
    dowRestricted: dow !== '*',
  };
}

/** Local wall-clock fields of one minute; weekday 0 = Sunday. */
export interface LocalMinute {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

export function cronMatches(spec: CronSpec, t: LocalMinute): boolean {
  if (!spec.minute.has(t.minute) || !spec.hour.has(t.hour) || !spec.month.has(t.month)) return false;
  const dom = spec.dayOfMonth.has(t.day);
  const dow = spec.dayOfWeek.has(t.weekday);
  if (spec.domRestricted && spec.dowRestricted) return dom || dow;
  return dom && dow;
}
