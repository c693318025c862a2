import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import pinoRoll from 'pino-roll';
import type { Logger } from '../../../shared/adapter/contract.ts';

export interface CoreLogger extends Logger {
  /** writes out what is buffered; call before exit */
  flush(): Promise<void>;
}

export interface LoggerOptions {
  dataDir: string;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** mirror every line to stderr (development); warnings and errors always go there */
  stderr: boolean;
}

/**
 * Structured JSON logs to a file in the data directory, rotated daily and at 10 MB, 14 files
 * kept, so a site PC that runs for years never fills its disk with logs.
 */
export async function createLogger(opts: LoggerOptions): Promise<CoreLogger> {
  const dir = join(opts.dataDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = await pinoRoll({
    file: join(dir, 'truss'),
    extension: '.log',
    frequency: 'daily',
    size: '10m',
    mkdir: true,
    limit: { count: 14 },
    // Synchronous writes: a log line is on disk when the call returns, so the last words before
    // a crash or an exit are never lost. Truss logs events, not telemetry, so the cost is small.
    sync: true,
  });
  const streams: pino.StreamEntry[] = [
    { level: opts.level, stream: file },
    { level: opts.stderr ? opts.level : 'warn', stream: process.stderr },
  ];
  const base = pino(
    { level: opts.level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
  const flush = async () => {
    try {
      file.flushSync();
    } catch {
      // nothing buffered, or the file is already closed
    }
  };
  return Object.assign(base as unknown as Logger, { flush });
}

/** A logger that writes nowhere: for tests and tools that must stay quiet. */
export function silentLogger(): CoreLogger {
  const base = pino({ level: 'silent' });
  return Object.assign(base as unknown as Logger, { flush: async () => {} });
}
