import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConfigSchema, type Config } from './config-schema.ts';

export const CONFIG_FILE_NAME = 'truss.json';

/** A configuration problem, worded for the person who wrote the file or the flags. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`Invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${key}: ${issue.message}`;
  });
}

/** Plain-object deep merge where `over` wins; arrays and scalars are replaced whole. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    if (isPlainObject(prev) && isPlainObject(value)) out[key] = merge(prev, value);
    else if (value !== undefined) out[key] = value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Builds the configuration from `<dataDir>/truss.json` (optional) overlaid with flags. Nothing
 * starts unless the whole result validates, so the process is never half-configured.
 */
export function loadConfig(dataDir: string, overrides: Record<string, unknown> = {}): Config {
  const file = join(dataDir, CONFIG_FILE_NAME);
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(file, [`not valid JSON: ${(err as Error).message}`]);
    }
    if (!isPlainObject(parsed)) throw new ConfigError(file, ['(root): expected a JSON object']);
    fromFile = parsed;
  }
  const merged = merge(merge(fromFile, overrides), { dataDir });
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(
      existsSync(file) ? `${file} (with command-line flags)` : 'command-line flags',
      describeIssues(result.error),
    );
  }
  return result.data;
}
