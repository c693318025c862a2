import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE_NAME, ConfigError } from './load-config.ts';

/**
 * Changes one part of `truss.json` from the UI. The file is the installer's too (they may edit it
 * by hand), so only the given key changes, everything else is kept as written, and the write is
 * atomic (temp file, fsync, rename): a power cut leaves the old file or the new one, never half.
 */
export function updateConfigFile(
  dataDir: string,
  change: (current: Record<string, unknown>) => Record<string, unknown>,
): string {
  const file = join(dataDir, CONFIG_FILE_NAME);
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      // Never overwrite a file a person is halfway through editing: say so instead.
      throw new ConfigError(file, [`not valid JSON, so it was left as it is: ${(err as Error).message}`]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(file, ['(root): expected a JSON object, so it was left as it is']);
    }
    current = parsed as Record<string, unknown>;
  }
  const next = change(current);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(next, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return file;
}

/** `adapters.<id>` set to `config`; an implicit virtual building stays on (see `demoEnabled`). */
export function withAdapterConfig(
  current: Record<string, unknown>,
  adapterId: string,
  config: unknown,
  demoRunning: boolean,
): Record<string, unknown> {
  const adapters = isObject(current['adapters']) ? current['adapters'] : {};
  const demo = isObject(current['demo']) ? current['demo'] : {};
  return {
    ...current,
    adapters: { ...adapters, [adapterId]: config },
    // The demo runs while no adapter is configured; saving one adapter's settings must not turn
    // the virtual building off behind the installer's back at the next start.
    ...(demoRunning && demo['enabled'] === undefined ? { demo: { ...demo, enabled: true } } : {}),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
