/**
 * The common `value_template` forms, without a template engine: `{{ value }}`,
 * `{{ value_json.a.b }}`, `{{ value_json['a'][0] }}`, optionally piped through `float`, `int`,
 * `round(n)`, `lower` or `upper`. Anything else is refused when the config is parsed, so a
 * hostile template can never run code. Never eval.
 */
export type TemplateValue = string | number | boolean | null;
export type ValueExtractor = (payload: string) => TemplateValue;

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const PATH_TOKEN = /^(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*\])/;

type Step = string | number;
type Filter = (v: TemplateValue) => TemplateValue;

function toNumber(v: TemplateValue): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new Error(`template: ${JSON.stringify(v)} is not a number`);
  return n;
}

function parseFilter(text: string): Filter {
  const f = text.trim();
  if (f === 'float') return toNumber;
  if (f === 'int') return (v) => Math.trunc(toNumber(v));
  if (f === 'lower') return (v) => String(v).toLowerCase();
  if (f === 'upper') return (v) => String(v).toUpperCase();
  const round = /^round(?:\(\s*(\d)\s*\))?$/.exec(f);
  if (round) {
    const digits = Number(round[1] ?? 0);
    return (v) => Number(toNumber(v).toFixed(digits));
  }
  throw new Error(`unsupported template filter ${JSON.stringify(f)}`);
}

export function compileValueTemplate(template: string | undefined | null): ValueExtractor {
  if (template === undefined || template === null) return (payload) => payload;
  const m =
    /^\s*\{\{\s*(value_json|value)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]]*\])*)\s*((?:\|\s*[a-z]+(?:\(\s*\d\s*\))?\s*)*)\}\}\s*$/.exec(
      template,
    );
  if (!m) throw new Error(`unsupported value template ${JSON.stringify(template.slice(0, 80))}`);
  const [, root, pathText = '', filterText = ''] = m;
  if (root === 'value' && pathText !== '') throw new Error('unsupported value template: path on plain value');
  const steps: Step[] = [];
  let rest = pathText;
  while (rest.length > 0) {
    const t = PATH_TOKEN.exec(rest);
    if (!t) throw new Error(`unsupported value template path ${JSON.stringify(pathText)}`);
    const key = t[1] ?? t[2] ?? t[3];
    if (key !== undefined) {
      if (FORBIDDEN_KEYS.has(key)) throw new Error(`forbidden template key ${key}`);
      steps.push(key);
    } else steps.push(Number(t[4]));
    rest = rest.slice(t[0].length);
  }
  const filters = filterText
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseFilter);

  return (payload) => {
    let value: TemplateValue;
    if (root === 'value') value = payload;
    else {
      let node: unknown = JSON.parse(payload);
      for (const step of steps) {
        if (typeof step === 'number') {
          if (!Array.isArray(node) || step >= node.length) throw new Error(`template: no index ${step}`);
          node = node[step];
        } else {
          if (
            typeof node !== 'object' ||
            node === null ||
            Array.isArray(node) ||
            !Object.hasOwn(node, step)
          ) {
            throw new Error(`template: no key ${step}`);
          }
          node = (node as Record<string, unknown>)[step];
        }
      }
      if (node !== null && typeof node === 'object') throw new Error('template: value is not a scalar');
      value = node as TemplateValue;
    }
    for (const f of filters) value = f(value);
    return value;
  };
}
