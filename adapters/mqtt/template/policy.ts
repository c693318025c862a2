/**
 * What a value template from a device may contain, checked on nunjucks' own parse tree before
 * anything is compiled. nunjucks does not sandbox (its docs say never to render user templates),
 * so the tree is held to an allow-list:
 * - expressions, `{% if %}` and `{% set x = ... %}` only: no loops, macros, includes, imports,
 *   blocks, extends or extensions, so every render ends after a bounded number of steps;
 * - attribute and item lookups only with a literal key, never a prototype name (`constructor`,
 *   `__proto__`, `prototype`, anything starting with `__`), so no path leads to `Function`;
 * - calls only to the HA functions Truss provides, filters and tests only from the allow-lists;
 * - literals only text, numbers, booleans and none (no regex literals: no ReDoS);
 * - at most MAX_NODES nodes and MAX_CONCATS string concatenations (`~` and `+`), which bounds how
 *   much text a template can build from a bounded payload.
 */
export interface TemplateNode {
  typename: string;
  fields: string[];
  [field: string]: unknown;
}

export const MAX_NODES = 300;
export const MAX_CONCATS = 8;

const ALLOWED = new Set([
  'Root',
  'NodeList',
  'Output',
  'TemplateData',
  'Symbol',
  'Literal',
  'LookupVal',
  'Filter',
  'FunCall',
  'KeywordArgs',
  'Pair',
  'Dict',
  'Array',
  'Group',
  'InlineIf',
  'If',
  'Compare',
  'CompareOperand',
  'And',
  'Or',
  'Not',
  'In',
  'Is',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'FloorDiv',
  'Mod',
  'Pow',
  'Neg',
  'Pos',
  'Concat',
  'Set',
]);

export function forbiddenName(name: string): boolean {
  return name.startsWith('__') || name === 'constructor' || name === 'prototype';
}

const isNode = (v: unknown): v is TemplateNode =>
  typeof v === 'object' && v !== null && typeof (v as TemplateNode).typename === 'string';

export class TemplatePolicyError extends Error {}

const refuse = (what: string): never => {
  throw new TemplatePolicyError(`unsupported value template: ${what}`);
};

export function checkTemplate(
  root: TemplateNode,
  allow: { filters: ReadonlySet<string>; tests: ReadonlySet<string>; functions: ReadonlySet<string> },
): { usesGet: boolean } {
  let nodes = 0;
  let usesGet = false;
  let concats = 0;
  const children = (n: TemplateNode): unknown[] =>
    n.fields.flatMap((f) => {
      const v = n[f];
      return Array.isArray(v) ? v : [v];
    });
  const visit = (n: unknown): void => {
    if (n === null || n === undefined || typeof n === 'string') return;
    if (!isNode(n)) return refuse('unexpected parse node');
    if (++nodes > MAX_NODES) refuse(`more than ${MAX_NODES} parts`);
    if (!ALLOWED.has(n.typename)) refuse(`${n.typename} is not allowed (only expressions, if and set)`);
    switch (n.typename) {
      case 'Literal': {
        const v = n.value;
        if (!(v === null || ['string', 'number', 'boolean'].includes(typeof v))) refuse('regex literal');
        return;
      }
      case 'TemplateData':
        return;
      case 'Symbol':
        if (forbiddenName(String(n.value))) refuse(`name ${String(n.value)}`);
        return;
      case 'LookupVal': {
        const key = n.val as TemplateNode;
        if (!isNode(key) || key.typename !== 'Literal') refuse('lookups need a literal key');
        if (typeof key.value === 'string' && forbiddenName(key.value)) refuse(`attribute ${key.value}`);
        if (typeof key.value !== 'string' && typeof key.value !== 'number') refuse('lookup key');
        return visit(n.target);
      }
      case 'FunCall': {
        const callee = n.name as TemplateNode;
        // Python's dict.get(key[, default]) on JSON objects, as HA configs write `value_json.get('t')`
        if (isNode(callee) && callee.typename === 'LookupVal') {
          const key = callee.val as TemplateNode;
          if (!isNode(key) || key.typename !== 'Literal' || key.value !== 'get')
            refuse('method calls other than .get()');
          usesGet = true;
          visit(callee.target);
          return visit(n.args);
        }
        if (!isNode(callee) || callee.typename !== 'Symbol' || !allow.functions.has(String(callee.value)))
          refuse('calls other than float(), int(), bool(), iif(), min(), max(), is_number()');
        return visit(n.args);
      }
      case 'Filter': {
        const name = String((n.name as TemplateNode).value);
        if (!allow.filters.has(name)) refuse(`filter ${name}`);
        return visit(n.args);
      }
      case 'Is': {
        visit(n.left);
        const right = n.right as TemplateNode;
        const test = isNode(right.name) ? String(right.name.value) : String(right.value);
        if (!allow.tests.has(test)) refuse(`test ${test}`);
        if (right.typename === 'FunCall') visit(right.args);
        // `is none` / `is true` / `is false` parse to literals named like the test
        else if (
          right.typename !== 'Symbol' &&
          !(right.typename === 'Literal' && typeof right.value !== 'string')
        )
          refuse('test');
        return;
      }
      case 'Set':
        if (n.body) refuse('block set');
        break;
      case 'Concat':
      case 'Add':
        if (++concats > MAX_CONCATS) refuse(`more than ${MAX_CONCATS} concatenations`);
        break;
    }
    for (const c of children(n)) visit(c);
  };
  visit(root);
  return { usesGet };
}
