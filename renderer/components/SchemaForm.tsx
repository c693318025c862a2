import type { ApiError } from '../../shared/api/client.ts';
import { FieldError } from './ErrorText.tsx';

/**
 * A form built from a JSON Schema object (as `z.toJSONSchema` writes an adapter's config schema),
 * so each device family brings its settings page with it. It covers what adapter settings use:
 * strings (with a pattern or a list of choices), numbers and integers with bounds, booleans, and
 * nullable values ("empty = automatic"). Anything else is shown read-only rather than guessed at.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

export type FormValues = Record<string, unknown>;

interface Field {
  key: string;
  kind: 'string' | 'number' | 'integer' | 'boolean' | 'choice' | 'unsupported';
  nullable: boolean;
  choices: string[];
  schema: JsonSchema;
}

/** `gattMaxBackoffMs` -> "Gatt max backoff (ms)" */
export function fieldLabel(key: string): string {
  const unit = /(Ms|Sec|S)$/.exec(key);
  const base = unit ? key.slice(0, -unit[0].length) : key;
  const words = base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  const suffix = unit ? ` (${unit[0] === 'Ms' ? 'ms' : 's'})` : '';
  return words.charAt(0).toUpperCase() + words.slice(1) + suffix;
}

export function fieldsOf(schema: JsonSchema): Field[] {
  return Object.entries(schema.properties ?? {}).map(([key, raw]) => {
    const variants = raw.anyOf ?? [raw];
    const nullable = variants.some(
      (v) => v.type === 'null' || (Array.isArray(v.type) && v.type.includes('null')),
    );
    const main = variants.find((v) => v.type !== 'null') ?? raw;
    const type = Array.isArray(main.type) ? main.type.find((t) => t !== 'null') : main.type;
    const choices = (main.enum ?? []).filter((c): c is string => typeof c === 'string');
    const kind: Field['kind'] =
      choices.length > 0
        ? 'choice'
        : type === 'string' || type === 'number' || type === 'integer' || type === 'boolean'
          ? type
          : 'unsupported';
    return { key, kind, nullable, choices, schema: { ...main, default: raw.default ?? main.default } };
  });
}

/** what an input's text means for a field: numbers parsed, empty = null where allowed */
export function parseInput(field: Field, text: string): unknown {
  if (text === '' && field.nullable) return null;
  if (field.kind === 'number' || field.kind === 'integer') return text.trim() === '' ? text : Number(text);
  return text;
}

function hint(field: Field): string | null {
  const s = field.schema;
  const parts: string[] = [];
  if (s.minimum !== undefined && s.maximum !== undefined) parts.push(`${s.minimum} to ${s.maximum}`);
  else if (s.minimum !== undefined) parts.push(`at least ${s.minimum}`);
  if (s.default !== undefined && s.default !== null) parts.push(`default ${String(s.default)}`);
  if (field.nullable) parts.push('empty = automatic');
  return parts.length > 0 ? parts.join(', ') : null;
}

export function SchemaForm({
  schema,
  values,
  onChange,
  error,
  disabled,
  testId,
}: {
  schema: JsonSchema;
  values: FormValues;
  onChange: (next: FormValues) => void;
  error: ApiError | null;
  disabled: boolean;
  testId: string;
}) {
  const set = (key: string, value: unknown) => onChange({ ...values, [key]: value });
  return (
    <div className="schema-form" data-testid={testId}>
      {fieldsOf(schema).map((field) => {
        const value = values[field.key];
        const id = `${testId}-${field.key}`;
        const help = field.schema.description ?? hint(field);
        return (
          <label key={field.key} className={field.kind === 'boolean' ? 'checkbox' : undefined}>
            {field.kind === 'boolean' ? (
              <input
                type="checkbox"
                data-testid={id}
                checked={value === true}
                disabled={disabled}
                onChange={(e) => set(field.key, e.currentTarget.checked)}
              />
            ) : null}
            {fieldLabel(field.key)} {help ? <span className="muted">({help})</span> : null}
            {field.kind === 'choice' ? (
              <select
                data-testid={id}
                value={typeof value === 'string' ? value : ''}
                disabled={disabled}
                onChange={(e) => set(field.key, parseInput(field, e.currentTarget.value))}
              >
                {field.nullable ? <option value="">automatic</option> : null}
                {field.choices.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : field.kind === 'string' || field.kind === 'number' || field.kind === 'integer' ? (
              <input
                data-testid={id}
                inputMode={field.kind === 'string' ? undefined : 'numeric'}
                value={value === null || value === undefined ? '' : String(value)}
                disabled={disabled}
                onChange={(e) => set(field.key, parseInput(field, e.currentTarget.value))}
              />
            ) : field.kind === 'unsupported' ? (
              <code data-testid={id}>{JSON.stringify(value)}</code>
            ) : null}
            <FieldError error={error} path={field.key} testId={`${id}-error`} />
          </label>
        );
      })}
    </div>
  );
}
