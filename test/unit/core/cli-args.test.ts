import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../main/cli-args.ts';

describe('parseCliArgs', () => {
  it('defaults to start with no overrides', () => {
    expect(parseCliArgs([])).toEqual({ command: 'start', dataDir: null, overrides: {} });
  });

  it('maps serve flags onto configuration keys', () => {
    const a = parseCliArgs([
      'serve',
      '--data',
      '/tmp/x',
      '--port',
      '0',
      '--mqtt-port',
      '18830',
      '--no-demo',
      '--log-level',
      'debug',
    ]);
    expect(a.command).toBe('serve');
    expect(a.dataDir).toBe('/tmp/x');
    expect(a.overrides).toEqual({
      http: { port: 0 },
      mqtt: { port: 18830 },
      demo: { enabled: false },
      log: { level: 'debug' },
    });
  });

  it('opens the LAN only when asked', () => {
    expect(parseCliArgs(['serve', '--lan']).overrides).toEqual({
      http: { host: '0.0.0.0' },
      mqtt: { host: '0.0.0.0' },
    });
  });

  it('refuses bad ports, unknown flags and commands with a clear message', () => {
    expect(() => parseCliArgs(['serve', '--port', '99999'])).toThrow(/--port: expected a port number/);
    expect(() => parseCliArgs(['serve', '--port', 'http'])).toThrow(/--port/);
    expect(() => parseCliArgs(['serve', '--nope'])).toThrow(/nope/);
    expect(() => parseCliArgs(['deploy'])).toThrow(/unknown command "deploy"/);
  });
});
