import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoEnabled } from '../../../main/core/config/config-schema.ts';
import { defaultDataDir } from '../../../main/core/config/data-dir.ts';
import { ConfigError, loadConfig } from '../../../main/core/config/load-config.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'truss-config-'));

describe('loadConfig', () => {
  it('gives loopback defaults and demo mode on a fresh data directory', () => {
    const d = dir();
    const c = loadConfig(d);
    expect(c.dataDir).toBe(d);
    expect(c.http).toEqual({ host: '127.0.0.1', port: 8420, allowedHosts: [] });
    expect(c.mqtt.host).toBe('127.0.0.1');
    expect(c.mqtt.port).toBe(1883);
    expect(demoEnabled(c)).toBe(true);
  });

  it('lets flags override the file, key by key', () => {
    const d = dir();
    writeFileSync(join(d, 'truss.json'), JSON.stringify({ http: { port: 9000 }, mqtt: { port: 1999 } }));
    const c = loadConfig(d, { http: { port: 0 } });
    expect(c.http.port).toBe(0);
    expect(c.http.host).toBe('127.0.0.1');
    expect(c.mqtt.port).toBe(1999);
  });

  it('names the offending key of a bad file', () => {
    const d = dir();
    writeFileSync(join(d, 'truss.json'), JSON.stringify({ http: { port: 'eighty' }, mqtt: { bogus: 1 } }));
    let error: unknown;
    try {
      loadConfig(d);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^http\.port: /m);
    expect(problems).toMatch(/mqtt/);
    expect((error as Error).message).toContain(join(d, 'truss.json'));
  });

  it('refuses a file that is not JSON or not an object', () => {
    const d = dir();
    writeFileSync(join(d, 'truss.json'), '{ "http": ');
    expect(() => loadConfig(d)).toThrow(/not valid JSON/);
    writeFileSync(join(d, 'truss.json'), '[1,2]');
    expect(() => loadConfig(d)).toThrow(/expected a JSON object/);
  });

  it('turns demo mode off when real adapters are configured, unless asked for', () => {
    const d = dir();
    expect(demoEnabled(loadConfig(d, { adapters: { zigbee: {} } }))).toBe(false);
    expect(demoEnabled(loadConfig(d, { adapters: { zigbee: {} }, demo: { enabled: true } }))).toBe(true);
    expect(demoEnabled(loadConfig(d, { demo: { enabled: false } }))).toBe(false);
  });
});

describe('defaultDataDir', () => {
  it('follows each OS convention', () => {
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/x' })).toBe('/x/truss');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\AppData' })).toContain('Truss');
    expect(defaultDataDir('darwin', {})).toContain(join('Library', 'Application Support', 'Truss'));
  });
});
