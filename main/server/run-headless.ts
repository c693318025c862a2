import { fileURLToPath } from 'node:url';
import type { Config } from '../core/config/config-schema.ts';
import { createLogger } from '../core/log/logger.ts';
import { securePrivateDataDir } from '../core/storage/private-files.ts';
import { startTruss } from '../host/compose.ts';
import { HeadlessServer } from './http-server.ts';

export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

/**
 * Headless mode: the core plus the UI over HTTP/WebSocket. Prints the URL once everything is
 * ready, and on SIGINT/SIGTERM stops in order so every buffered write reaches the disk.
 */
export async function runHeadless(config: Config, opts: { reason?: string } = {}): Promise<void> {
  // before the first log line: every file in the data folder is private from its creation
  securePrivateDataDir(config.dataDir);
  const log = await createLogger({
    dataDir: config.dataDir,
    level: config.log.level,
    stderr: config.log.stderr,
  });
  const truss = await startTruss(config, log);
  const server = new HeadlessServer({
    core: truss.core,
    host: config.http.host,
    port: config.http.port,
    allowedHosts: config.http.allowedHosts,
    staticDir: RENDERER_DIR,
  });
  let url: string;
  try {
    ({ url } = await server.start());
  } catch (err) {
    await truss.stop();
    throw err;
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void (async () => {
      await server.stop();
      await truss.stop();
      process.exit(0);
    })();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  if (opts.reason) process.stdout.write(`${opts.reason}\n`);
  process.stdout.write(`Truss is ready at ${url}\n`);
  process.stdout.write(
    `  data: ${config.dataDir}\n  mqtt: ${config.mqtt.host}:${truss.core.mqttPort}${truss.demo ? '\n  demo site: on (a virtual building)' : ''}\n`,
  );
  const code = truss.core.use('auth').setupCode();
  if (code) {
    process.stdout.write(
      `  first-run setup code: ${code}\n  (create the administrator at ${url} with this code; it is also in ${config.dataDir}/setup-code.txt)\n`,
    );
  }
}
