import nunjucks from 'nunjucks';
import * as ha from './template/ha-filters.ts';
import { checkTemplate, type TemplateNode } from './template/policy.ts';

/**
 * Home Assistant `value_template`s (Jinja) rendered by nunjucks, a maintained Jinja engine, held
 * to a safe subset (./template/policy.ts: no loops, no prototype paths, allow-listed calls,
 * filters and tests, bounded size) and given HA's filters and tests (./template/ha-filters.ts).
 * The context holds `value` (the payload text) and `value_json` (the payload parsed as JSON, when
 * it is JSON), as in HA. An undefined value in the output, a filter without usable input and
 * output over MAX_OUTPUT refuse the message with a reason. Never eval of device text.
 */
export type TemplateValue = string | number | boolean | null;
export type ValueExtractor = (payload: string) => TemplateValue;

export const MAX_TEMPLATE_LENGTH = 1024;
export const MAX_OUTPUT = 16 * 1024;
const CACHE_SIZE = 512;

type Fn = (...args: unknown[]) => unknown;

/** the output cap applies to every filter result, so no intermediate text grows past it either */
const capped =
  (name: string, f: Fn): Fn =>
  (...args) => {
    const r = f(...args);
    if (typeof r === 'string' && r.length > MAX_OUTPUT)
      throw new ha.TemplateValueError(`${name} made a text over ${MAX_OUTPUT} characters`);
    return r;
  };

/**
 * Jinja keyword arguments (`int(base=16)`, `round(1, default=0)`): nunjucks passes them as a last
 * object marked `__keywords`; they go to their positions by HA's parameter names.
 */
const PARAMS: Record<string, string[]> = {
  float: ['value', 'default'],
  int: ['value', 'default', 'base'],
  round: ['value', 'precision', 'method', 'default'],
  multiply: ['value', 'amount', 'default'],
  add: ['value', 'amount', 'default'],
  from_json: ['value', 'default'],
  iif: ['value', 'if_true', 'if_false', 'if_none'],
  bool: ['value', 'default'],
  default: ['value', 'default_value', 'boolean'],
  d: ['value', 'default_value', 'boolean'],
};
const withKeywords =
  (name: string, f: Fn): Fn =>
  (...args) => {
    const last = args.at(-1);
    if (typeof last !== 'object' || last === null || !(last as { __keywords?: boolean }).__keywords)
      return f(...args);
    const positional = args.slice(0, -1);
    const names = PARAMS[name] ?? [];
    for (const [k, v] of Object.entries(last)) {
      if (k === '__keywords') continue;
      const i = names.indexOf(k);
      if (i < 0) throw new ha.TemplateValueError(`${name} has no argument ${k}`);
      while (positional.length < i) positional.push(undefined);
      positional[i] = v;
    }
    // an argument left out before a keyword one is undefined: the filter's own default applies
    return f(...positional);
  };

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const builtin = new nunjucks.Environment([], { autoescape: false });
const jinja = (name: string): Fn => (builtin as unknown as { getFilter(n: string): Fn }).getFilter(name);

const FILTERS: Record<string, Fn> = {
  // HA
  float: ha.float,
  int: ha.int,
  round: ha.round,
  multiply: ha.multiply,
  add: ha.add,
  is_defined: ha.isDefined,
  from_json: ha.fromJson,
  to_json: ha.toJson,
  tojson: ha.toJson,
  iif: ha.iif,
  bool: ha.bool,
  is_number: ha.isNumber,
  abs: ha.abs,
  min: (v: unknown) => ha.min(v),
  max: (v: unknown) => ha.max(v),
  replace: (v: unknown, a: unknown, b: unknown) => ha.replace(v, a, b, MAX_OUTPUT),
  // Jinja's own, as nunjucks implements them
  default: jinja('default'),
  d: jinja('default'),
  lower: (v: unknown) => str(v).toLowerCase(),
  upper: (v: unknown) => str(v).toUpperCase(),
  capitalize: jinja('capitalize'),
  title: jinja('title'),
  trim: (v: unknown) => str(v).trim(),
  string: (v: unknown) => str(v),
  length: jinja('length'),
  count: jinja('length'),
  first: jinja('first'),
  last: jinja('last'),
  join: jinja('join'),
};

const TESTS: Record<string, Fn> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  // `is none` parses to a literal none, which nunjucks looks up as the test "null"
  null: (v) => v === null,
  number: (v) => typeof v === 'number',
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  mapping: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string',
  iterable: (v) => Array.isArray(v) || typeof v === 'string',
  true: (v) => v === true,
  false: (v) => v === false,
  eq: (a, b) => a === b,
  equalto: (a, b) => a === b,
  ne: (a, b) => a !== b,
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  even: (v) => typeof v === 'number' && v % 2 === 0,
  odd: (v) => typeof v === 'number' && Math.abs(v % 2) === 1,
  divisibleby: (a, b) => typeof a === 'number' && typeof b === 'number' && b !== 0 && a % b === 0,
  is_number: ha.isNumber,
};

const FUNCTIONS: Record<string, Fn> = ha.HA_FUNCTIONS as unknown as Record<string, Fn>;

/** nunjucks with nothing but the allow-listed parts: no loader (no file access), no autoescape */
const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: true });
{
  const e = env as unknown as { filters: object; tests: object; globals: object };
  e.filters = Object.assign(
    Object.create(null) as object,
    Object.fromEntries(Object.entries(FILTERS).map(([k, f]) => [k, capped(k, withKeywords(k, f))])),
  );
  e.tests = Object.assign(Object.create(null) as object, TESTS);
  e.globals = Object.assign(
    Object.create(null) as object,
    Object.fromEntries(Object.entries(FUNCTIONS).map(([k, f]) => [k, capped(k, withKeywords(k, f))])),
  );
}
const allow = {
  filters: new Set(Object.keys(FILTERS)),
  tests: new Set(Object.keys(TESTS)),
  functions: new Set(Object.keys(FUNCTIONS)),
};
const parser = (nunjucks as unknown as { parser: { parse(src: string): TemplateNode } }).parser;

/** the last line of a nunjucks error, without its template-position preamble */
const reason = (err: unknown): string => {
  const msg = err instanceof Error ? err.message : String(err);
  const line =
    msg
      .split('\n')
      .filter((l) => l.trim() !== '')
      .at(-1) ?? msg;
  return line
    .replace(/^\s*(Template render error:|Error:)\s*/g, '')
    .trim()
    .slice(0, 200);
};

const cache = new Map<string, ValueExtractor>();

/** Python's `dict.get(key, default=None)` on every JSON object, for templates that call it */
function withGet(node: unknown, depth = 0): void {
  if (typeof node !== 'object' || node === null || depth > 64) return;
  if (Array.isArray(node)) {
    for (const v of node) withGet(v, depth + 1);
    return;
  }
  const obj = node as Record<string, unknown>;
  for (const v of Object.values(obj)) withGet(v, depth + 1);
  if (Object.hasOwn(obj, 'get')) return;
  Object.defineProperty(obj, 'get', {
    enumerable: false,
    value: (key: unknown, fallback: unknown = null) =>
      typeof key === 'string' && Object.hasOwn(obj, key) ? obj[key] : fallback,
  });
}

function compile(template: string): ValueExtractor {
  if (template.length > MAX_TEMPLATE_LENGTH)
    throw new Error(`value template longer than ${MAX_TEMPLATE_LENGTH} characters`);
  let ast: TemplateNode;
  try {
    ast = parser.parse(template);
  } catch (err) {
    throw new Error(`value template does not parse: ${reason(err)}`);
  }
  const { usesGet } = checkTemplate(ast, allow);
  let compiled: nunjucks.Template;
  try {
    compiled = new nunjucks.Template(template, env, 'value_template', true);
  } catch (err) {
    throw new Error(`value template does not compile: ${reason(err)}`);
  }
  return (payload) => {
    let valueJson: unknown;
    try {
      valueJson = JSON.parse(payload) as unknown;
    } catch {
      valueJson = undefined;
    }
    if (usesGet) withGet(valueJson);
    const ctx = Object.assign(Object.create(null) as object, { value: payload, value_json: valueJson });
    let out: string;
    try {
      out = compiled.render(ctx);
    } catch (err) {
      throw new Error(`template: ${reason(err)}`);
    }
    if (out.length > MAX_OUTPUT) throw new Error(`template: output over ${MAX_OUTPUT} characters`);
    return out.trim();
  };
}

/** Compiles a value template (cached); throws with a reason for templates outside the safe subset. */
export function compileValueTemplate(template: string | undefined | null): ValueExtractor {
  if (template === undefined || template === null) return (payload) => payload;
  const hit = cache.get(template);
  if (hit) return hit;
  const extractor = compile(template);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(template, extractor);
  return extractor;
}
