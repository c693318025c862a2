import { parseArgs } from 'node:util';

export interface CliArgs {
  command: 'start' | 'serve' | 'help';
  dataDir: string | null;
  /** only what was given on the command line: the configuration file supplies the rest */
  overrides: Record<string, unknown>;
}

export const USAGE = `Usage: truss [start|serve|help] [options]

  start            open the desktop app (falls back to headless mode without Electron or a display)
  serve            headless mode: serve the UI over HTTP and print its URL

Options:
  --data DIR       data directory (default: the per-OS app-data folder)
  --port N         HTTP port (default 8420; 0 picks a free one)
  --mqtt-port N    embedded MQTT broker port (default 1883; 0 picks a free one)
  --lan            listen on all interfaces for HTTP and MQTT (default: 127.0.0.1 only)
  --no-demo        do not run the virtual building
  --log-level L    trace|debug|info|warn|error (default info)
  --verbose        also print logs to stderr
`;

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${flag}: expected a port number 0-65535, got "${value}"`);
  return n;
}

export function parseCliArgs(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      'mqtt-port': { type: 'string' },
      lan: { type: 'boolean' },
      'no-demo': { type: 'boolean' },
      'log-level': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = values.help ? 'help' : (positionals[0] ?? 'start');
  if (command !== 'start' && command !== 'serve' && command !== 'help')
    throw new Error(`unknown command "${command}"`);
  if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1]}"`);
  const overrides: Record<string, unknown> = {};
  const http: Record<string, unknown> = {};
  const mqtt: Record<string, unknown> = {};
  const httpPort = port(values.port, '--port');
  const mqttPort = port(values['mqtt-port'], '--mqtt-port');
  if (httpPort !== undefined) http.port = httpPort;
  if (mqttPort !== undefined) mqtt.port = mqttPort;
  if (values.lan) {
    http.host = '0.0.0.0';
    mqtt.host = '0.0.0.0';
  }
  if (Object.keys(http).length) overrides.http = http;
  if (Object.keys(mqtt).length) overrides.mqtt = mqtt;
  if (values['no-demo']) overrides.demo = { enabled: false };
  const log: Record<string, unknown> = {};
  if (values['log-level']) log.level = values['log-level'];
  if (values.verbose) log.stderr = true;
  if (Object.keys(log).length) overrides.log = log;
  return { command, dataDir: values.data ?? null, overrides };
}
