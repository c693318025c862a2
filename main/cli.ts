import { resolve } from 'node:path';
import { parseCliArgs, USAGE } from './cli-args.ts';
import { defaultDataDir } from './core/config/data-dir.ts';
import { ConfigError, loadConfig } from './core/config/load-config.ts';
import { launchDesktop } from './electron/launch.ts';
import { runHeadless } from './server/run-headless.ts';

/** Entry for `npm start` (desktop, or headless where Electron can't run) and `npm run serve`. */
async function main(): Promise<void> {
  let args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`truss: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const dataDir = resolve(args.dataDir ?? defaultDataDir());
  let config;
  try {
    config = loadConfig(dataDir, args.overrides);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`truss: ${err.message}\n`);
      process.exit(78); // EX_CONFIG: nothing was started
    }
    throw err;
  }
  if (args.command === 'start') {
    const desktop = launchDesktop(process.argv.slice(3), dataDir);
    if (desktop.launched) return;
    return runHeadless(config, {
      reason: `Desktop app unavailable (${desktop.reason}): starting headless mode.`,
    });
  }
  return runHeadless(config);
}

main().catch((err: unknown) => {
  const message = (err as Error).message;
  const hint = /EADDRINUSE/.test(message)
    ? '\n  Another program (another Truss, or a system mosquitto) holds that port: stop it, or pick others with --port / --mqtt-port.'
    : '';
  process.stderr.write(`truss: failed to start: ${message}${hint}\n`);
  process.exit(1);
});
