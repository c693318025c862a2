/**
 * A linear model written as CPLEX LP text, the format HiGHS reads (`highs.solve(text)`):
 * https://www.ibm.com/docs/en/icos/22.1.1?topic=cplex-lp-file-format-algebraic-representation
 * Variables and rows are added by name; constants go to the right-hand side, so every row is
 * `sum(coef * var) (<=|>=|=) rhs`. Names are `[a-z0-9_]` only (the format's safe subset).
 */
export type Sense = '<=' | '>=' | '=';
export type Terms = ReadonlyArray<readonly [coef: number, name: string]>;

interface Variable {
  lo: number;
  hi: number;
  binary: boolean;
}

const NAME = /^[a-z][a-z0-9_]*$/;
/** coefficients smaller than this are noise from arithmetic, not model terms */
const EPS = 1e-12;

export class LpModel {
  readonly #vars = new Map<string, Variable>();
  readonly #objective = new Map<string, number>();
  readonly #rows: string[] = [];
  readonly #rowNames: string[] = [];

  /** a continuous variable in [lo, hi] (Infinity for none) */
  variable(name: string, lo: number, hi: number): string {
    this.#declare(name, { lo, hi, binary: false });
    return name;
  }

  binary(name: string): string {
    this.#declare(name, { lo: 0, hi: 1, binary: true });
    return name;
  }

  has(name: string): boolean {
    return this.#vars.has(name);
  }

  /** adds `coef * name` to the minimised objective */
  cost(name: string, coef: number): void {
    if (!this.#vars.has(name)) throw new Error(`cost on unknown variable ${name}`);
    if (Math.abs(coef) < EPS) return;
    this.#objective.set(name, (this.#objective.get(name) ?? 0) + coef);
  }

  row(name: string, terms: Terms, sense: Sense, rhs: number): void {
    if (!NAME.test(name)) throw new Error(`bad row name ${name}`);
    if (!Number.isFinite(rhs)) throw new Error(`row ${name}: right-hand side ${rhs}`);
    const merged = new Map<string, number>();
    for (const [coef, v] of terms) {
      if (!this.#vars.has(v)) throw new Error(`row ${name} uses unknown variable ${v}`);
      if (!Number.isFinite(coef)) throw new Error(`row ${name}: coefficient ${coef} on ${v}`);
      merged.set(v, (merged.get(v) ?? 0) + coef);
    }
    const text = linear(merged);
    // a row without variables is a statement about constants: true or the model is infeasible
    this.#rows.push(` ${name}: ${text || '0 ' + firstVar(this.#vars)} ${sense} ${num(rhs)}`);
    this.#rowNames.push(name);
  }

  get rowNames(): readonly string[] {
    return this.#rowNames;
  }

  get size(): { variables: number; binaries: number; rows: number } {
    let binaries = 0;
    for (const v of this.#vars.values()) if (v.binary) binaries++;
    return { variables: this.#vars.size, binaries, rows: this.#rows.length };
  }

  /**
   * The model as LP text. `fixed` pins binaries to values (the LP with integers fixed, whose
   * duals explain the MILP's solution); `relaxed` drops integrality (the LP relaxation).
   */
  toLp(opts: { fixed?: ReadonlyMap<string, number>; relaxed?: boolean } = {}): string {
    const out: string[] = ['Minimize', ` obj: ${linear(this.#objective) || '0 ' + firstVar(this.#vars)}`];
    out.push('Subject To', ...this.#rows, 'Bounds');
    const binaries: string[] = [];
    for (const [name, v] of this.#vars) {
      const fix = v.binary ? opts.fixed?.get(name) : undefined;
      if (fix !== undefined) out.push(` ${name} = ${num(fix)}`);
      else out.push(` ${bound(v.lo)} <= ${name} <= ${bound(v.hi)}`);
      if (v.binary && fix === undefined && !opts.relaxed) binaries.push(name);
    }
    if (binaries.length) out.push('Binary', ...chunk(binaries));
    out.push('End', '');
    return out.join('\n');
  }

  #declare(name: string, v: Variable): void {
    if (!NAME.test(name)) throw new Error(`bad variable name ${name}`);
    if (this.#vars.has(name)) throw new Error(`variable ${name} declared twice`);
    if (Number.isNaN(v.lo) || Number.isNaN(v.hi) || v.lo > v.hi)
      throw new Error(`variable ${name}: bounds [${v.lo}, ${v.hi}]`);
    this.#vars.set(name, v);
  }
}

function linear(terms: ReadonlyMap<string, number>): string {
  const parts: string[] = [];
  for (const [v, c] of terms) {
    if (Math.abs(c) < EPS) continue;
    const sign = c < 0 ? '-' : '+';
    parts.push(`${parts.length || sign === '-' ? sign + ' ' : ''}${num(Math.abs(c))} ${v}`);
  }
  // lines of LP text are limited in length by some readers: break long sums
  return chunk(parts, 40).join('\n   ').trim();
}

function firstVar(vars: ReadonlyMap<string, Variable>): string {
  const first = vars.keys().next();
  if (first.done) throw new Error('a model needs at least one variable');
  return first.value;
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(12)));
}

function bound(x: number): string {
  if (x === Infinity) return '+inf';
  if (x === -Infinity) return '-inf';
  return num(x);
}

function chunk(items: readonly string[], size = 20): string[] {
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += size) lines.push(' ' + items.slice(i, i + size).join(' '));
  return lines;
}
