/**
 * The Home Assistant template filters, tests and functions that MQTT discovery configs use,
 * with HA's semantics (homeassistant/helpers/template.py: forgiving_float, forgiving_int,
 * forgiving_round, multiply, add, is_defined, from_json, to_json, iif, forgiving_boolean,
 * is_number). A filter without a usable input and without a default raises, as HA does, so a
 * bad reading is refused instead of becoming a wrong number.
 */

/** marks "no default given" (HA's _SENTINEL) */
const NONE = Symbol('no default');
type Arg = unknown;

export class TemplateValueError extends Error {}

const fail = (filter: string, value: unknown): never => {
  throw new TemplateValueError(
    `${filter} got invalid input ${JSON.stringify(value === undefined ? 'undefined' : value)?.slice(0, 40)}`,
  );
};

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|nan|inf(?:inity)?)\s*$/i;

/** Python's float(): numbers, booleans and numeric text (also nan/inf, refused later as values) */
export function toFloat(value: Arg): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && NUMERIC.test(value)) {
    const s = value
      .trim()
      .toLowerCase()
      .replace(/^([-+]?)inf(inity)?$/, '$1Infinity');
    return s.endsWith('nan') ? NaN : Number(s);
  }
  return null;
}

function withDefault<T>(name: string, value: Arg, result: T | null, fallback: Arg): T | Arg {
  if (result !== null) return result;
  if (fallback !== NONE) return fallback;
  return fail(name, value);
}

export function float(value: Arg, fallback: Arg = NONE): Arg {
  return withDefault('float', value, toFloat(value), fallback);
}

/** jinja's do_int as HA calls it: int(value, base), else int(float(value)) */
export function int(value: Arg, fallback: Arg = NONE, base: Arg = 10): Arg {
  let r: number | null = null;
  if (typeof value === 'string' && typeof base === 'number' && base !== 10) {
    const n = Number.parseInt(value.trim(), base);
    r = Number.isNaN(n) ? null : n;
  } else {
    const f = toFloat(value);
    r = f !== null && Number.isFinite(f) ? Math.trunc(f) : null;
  }
  return withDefault('int', value, r, fallback);
}

/** Python's round(): half to even */
function roundHalfEven(x: number, digits: number): number {
  const f = 10 ** digits;
  const y = x * f;
  const r = Math.round(y);
  const tie = Math.abs(y % 1) === 0.5;
  return (tie ? 2 * Math.round(y / 2) : r) / f;
}

export function round(value: Arg, precision: Arg = 0, method: Arg = 'common', fallback: Arg = NONE): Arg {
  const f = toFloat(value);
  if (
    f === null ||
    typeof precision !== 'number' ||
    !Number.isInteger(precision) ||
    precision < 0 ||
    precision > 15
  )
    return withDefault('round', value, null, fallback);
  if (!Number.isFinite(f)) return f;
  const p = 10 ** precision;
  switch (method) {
    case 'ceil':
      return Math.ceil(f * p) / p;
    case 'floor':
      return Math.floor(f * p) / p;
    case 'half':
      return Math.round(f * 2) / 2;
    default:
      return roundHalfEven(f, precision);
  }
}

export function multiply(value: Arg, amount: Arg, fallback: Arg = NONE): Arg {
  const f = toFloat(value);
  const a = toFloat(amount);
  return withDefault('multiply', value, f !== null && a !== null ? f * a : null, fallback);
}

export function add(value: Arg, amount: Arg, fallback: Arg = NONE): Arg {
  const f = toFloat(value);
  const a = toFloat(amount);
  return withDefault('add', value, f !== null && a !== null ? f + a : null, fallback);
}

export function isDefined(value: Arg): Arg {
  if (value === undefined) throw new TemplateValueError('value is undefined (is_defined)');
  return value;
}

export function fromJson(value: Arg, fallback: Arg = NONE): Arg {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      /* falls through to the default */
    }
  }
  return withDefault('from_json', value, null, fallback);
}

export function toJson(value: Arg): string {
  return JSON.stringify(value ?? null);
}

/** Python truthiness: empty text, list and mapping are false too */
export function truthy(v: Arg): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

export function iif(value: Arg, ifTrue: Arg = true, ifFalse: Arg = false, ifNone: Arg = NONE): Arg {
  if ((value === null || value === undefined) && ifNone !== NONE) return ifNone;
  return truthy(value) ? ifTrue : ifFalse;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on', 'enable']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', 'disable']);

/** HA's forgiving_boolean */
export function bool(value: Arg, fallback: Arg = NONE): Arg {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (value === 1) return true;
    if (value === 0) return false;
  }
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE_WORDS.has(s)) return true;
    if (FALSE_WORDS.has(s)) return false;
  }
  return withDefault('bool', value, null, fallback);
}

export function isNumber(value: Arg): boolean {
  if (typeof value === 'boolean') return false;
  const f = toFloat(value);
  return f !== null && Number.isFinite(f);
}

export function abs(value: Arg): Arg {
  const f = toFloat(value);
  return f === null ? fail('abs', value) : Math.abs(f);
}

const numbersOf = (args: Arg[]): number[] => {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as Arg[]) : args;
  return list.map((v) => {
    const f = toFloat(v);
    return f === null ? fail('min/max', v) : f;
  });
};
export const min = (...args: Arg[]): number => Math.min(...numbersOf(args));
export const max = (...args: Arg[]): number => Math.max(...numbersOf(args));

export function replace(value: Arg, old: Arg, replacement: Arg, limit: number): string {
  const s = String(value);
  if (typeof old !== 'string' || old === '' || typeof replacement !== 'string')
    throw new TemplateValueError('replace takes two non-empty strings');
  const parts = s.split(old);
  if (s.length + (parts.length - 1) * (replacement.length - old.length) > limit)
    throw new TemplateValueError('replace would make a text over the output limit');
  return parts.join(replacement);
}

/** HA's `is_defined` etc. as filters; `float`, `int`, `bool`, `iif`, `min`, `max` also as functions */
export const HA_FUNCTIONS = { float, int, bool, iif, min, max, is_number: isNumber } as const;
