import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdapterConfigError, AdapterHost } from '../../../main/core/adapter-host/adapter-host.ts';
import { ConfigError, loadConfig } from '../../../main/core/config/load-config.ts';
import { silentLogger } from '../../../main/core/log/logger.ts';
import { selectAdapters } from '../../../main/host/compose.ts';
import { mqttAdapter } from '../../../adapters/mqtt/index.ts';

const config = (adapters: Record<string, unknown>) =>
  loadConfig(mkdtempSync(join(tmpdir(), 'truss-sel-')), { adapters });

function host(selections: ReturnType<typeof selectAdapters>) {
  return new AdapterHost({
    selections,
    registry: {} as never,
    states: {} as never,
    log: silentLogger(),
    now: Date.now,
    mqtt: () => {
      throw new Error('not needed before start');
    },
    bus: {} as never,
    secrets: () => ({}) as never,
    dataDir: '/nonexistent',
  });
}

describe('adapters from configuration', () => {
  it('always runs the MQTT adapter and passes each adapter its own config', () => {
    const sel = selectAdapters(config({ mqtt: { discoveryPrefix: 'ha' } }));
    expect(sel.map((s) => s.module.manifest.id)).toEqual(['mqtt']);
    expect(sel[0]!.config).toEqual({ discoveryPrefix: 'ha' });
    expect(selectAdapters(config({}))[0]!.config).toEqual({});
  });

  it('refuses an adapter this build does not have, naming the key', () => {
    expect(() => selectAdapters(config({ zigbe: {} }))).toThrow(ConfigError);
    expect(() => selectAdapters(config({ zigbe: {} }))).toThrow(
      /adapters\.zigbe: unknown adapter \(known: mqtt, /,
    );
  });

  it("validates each adapter's config against its manifest before anything starts", () => {
    const selections = [{ module: mqttAdapter as never, config: { discoveryPrefix: 42 } }];
    expect(() => host(selections)).toThrow(AdapterConfigError);
    expect(() => host(selections)).toThrow(/adapters\.mqtt\.discoveryPrefix/);
  });
});
