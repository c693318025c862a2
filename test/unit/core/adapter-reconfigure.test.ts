import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AdapterModule, AdapterSink } from '../../../shared/adapter/contract.ts';
import { AdapterHost } from '../../../main/core/adapter-host/adapter-host.ts';
import { updateConfigFile, withAdapterConfig } from '../../../main/core/config/config-file.ts';
import { ConfigError } from '../../../main/core/config/load-config.ts';
import { CoreError } from '../../../main/core/errors.ts';
import { silentLogger } from '../../../main/core/log/logger.ts';

/**
 * The host's side of reconfiguring an adapter, with a family written for the test: it starts or
 * refuses to as its config says, and records what it was started with, so the host's promises
 * (validate first, restore on failure, drop a replaced instance's reports) are checked exactly.
 */
const Config = z
  .object({ mode: z.enum(['works', 'fails']).default('works'), interval: z.number().int().min(1).default(5) })
  .strict();
type Config = z.infer<typeof Config>;

function family(record: { started: Config[]; stopped: number; sinks: AdapterSink[] }): AdapterModule<Config> {
  return {
    manifest: {
      id: 'fam',
      name: 'Test family',
      description: 'for the host',
      configSchema: Config,
      needs: [],
    },
    setup(ctx, config) {
      return {
        async start() {
          if (config.mode === 'fails') throw new Error('radio not found');
          record.started.push(config);
          record.sinks.push(ctx.sink);
        },
        async stop() {
          record.stopped++;
        },
        health: () => ({ status: 'ok', detail: null }),
        diagnostics: () => ({}),
        execute: async () => undefined,
      };
    },
  };
}

function host(module: AdapterModule<Config>, opts: { managedBy?: string; config?: unknown } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'truss-reconf-'));
  const announced: string[] = [];
  return {
    announced,
    host: new AdapterHost({
      selections: [
        {
          module: module as AdapterModule<unknown>,
          config: opts.config ?? {},
          ...(opts.managedBy ? { managedBy: opts.managedBy } : {}),
        },
      ],
      registry: {
        announce: async (_a: string, ann: { address: string }) => (
          announced.push(ann.address),
          { id: ann.address }
        ),
      } as never,
      states: {} as never,
      log: silentLogger(),
      now: Date.now,
      mqtt: () => {
        throw new Error('not an MQTT family');
      },
      bus: {} as never,
      secrets: () => ({}) as never,
      dataDir,
    }),
  };
}

describe('reconfiguring a running adapter', () => {
  it('serves its settings as JSON Schema with the values in force', async () => {
    const { host: h } = host(family({ started: [], stopped: 0, sinks: [] }), { config: { interval: 7 } });
    await h.start();
    const s = h.settings('fam');
    expect(s.config).toEqual({ mode: 'works', interval: 7 });
    expect(s.managedBy).toBeNull();
    expect(s.schema).toMatchObject({
      type: 'object',
      properties: {
        mode: { enum: ['works', 'fails'], default: 'works' },
        interval: { type: 'integer', minimum: 1 },
      },
      additionalProperties: false,
    });
    expect(() => h.settings('nope')).toThrow(CoreError);
  });

  it('refuses invalid settings with the field paths and leaves the adapter running as it was', async () => {
    const rec = { started: [] as Config[], stopped: 0, sinks: [] as AdapterSink[] };
    const { host: h } = host(family(rec));
    await h.start();
    const err = await h.reconfigure('fam', { interval: 0, extra: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('bad_request');
    expect((err as CoreError).issues?.map((i) => i.path).sort()).toEqual(['(root)', 'interval']);
    expect(rec.stopped).toBe(0);
    expect(rec.started).toHaveLength(1);
  });

  it('restarts with valid settings, and the replaced instance can no longer change the site', async () => {
    const rec = { started: [] as Config[], stopped: 0, sinks: [] as AdapterSink[] };
    const { host: h, announced } = host(family(rec));
    await h.start();
    expect(await h.reconfigure('fam', { interval: 30 })).toEqual({ mode: 'works', interval: 30 });
    expect(rec.stopped).toBe(1);
    expect(rec.started.map((c) => c.interval)).toEqual([5, 30]);
    expect(h.settings('fam').config).toEqual({ mode: 'works', interval: 30 });
    const ann = { name: 'x', manufacturer: null, model: null, swVersion: null, entities: [] };
    rec.sinks[0]!.deviceAnnounced({ address: 'from-old', ...ann });
    rec.sinks[1]!.deviceAnnounced({ address: 'from-new', ...ann });
    await h.settled();
    expect(announced).toEqual(['from-new']);
  });

  it('brings the previous settings back when the new ones do not start, and says why', async () => {
    const rec = { started: [] as Config[], stopped: 0, sinks: [] as AdapterSink[] };
    const { host: h } = host(family(rec), { config: { interval: 9 } });
    await h.start();
    const err = (await h.reconfigure('fam', { mode: 'fails' }).catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(
      /did not start with these settings \(radio not found\); it runs with the previous ones/,
    );
    expect(rec.started.map((c) => c.interval)).toEqual([9, 9]);
    expect(h.settings('fam').config).toEqual({ mode: 'works', interval: 9 });
    expect(h.list()).toHaveLength(1);
  });

  it('refuses to change an adapter something else configures', async () => {
    const { host: h } = host(family({ started: [], stopped: 0, sinks: [] }), {
      managedBy: 'the virtual building (demo)',
    });
    await h.start();
    expect(h.settings('fam').managedBy).toBe('the virtual building (demo)');
    const err = (await h.reconfigure('fam', {}).catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/configured by the virtual building/);
  });
});

describe('the configuration file as the UI changes it', () => {
  it('changes one adapter, keeps every other key as written, and is private to the owner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'truss-cfgfile-'));
    writeFileSync(
      join(dir, 'truss.json'),
      JSON.stringify({ http: { port: 9000 }, adapters: { zigbee: { port: '/dev/ttyUSB0' } } }),
    );
    const file = updateConfigFile(dir, (c) => withAdapterConfig(c, 'mqtt', { discoveryPrefix: 'ha' }, false));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      http: { port: 9000 },
      adapters: { zigbee: { port: '/dev/ttyUSB0' }, mqtt: { discoveryPrefix: 'ha' } },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps an implicit virtual building on, and never touches an explicit choice', () => {
    expect(withAdapterConfig({}, 'mqtt', {}, true)).toEqual({
      adapters: { mqtt: {} },
      demo: { enabled: true },
    });
    expect(withAdapterConfig({ demo: { enabled: false } }, 'mqtt', {}, true)).toEqual({
      adapters: { mqtt: {} },
      demo: { enabled: false },
    });
    expect(withAdapterConfig({}, 'mqtt', {}, false)).toEqual({ adapters: { mqtt: {} } });
  });

  it('leaves a file a person broke by hand as it is, and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'truss-cfgfile-'));
    writeFileSync(join(dir, 'truss.json'), '{ "adapters": { ');
    expect(() => updateConfigFile(dir, (c) => c)).toThrow(ConfigError);
    expect(() => updateConfigFile(dir, (c) => c)).toThrow(/not valid JSON, so it was left as it is/);
    expect(readFileSync(join(dir, 'truss.json'), 'utf8')).toBe('{ "adapters": { ');
    writeFileSync(join(dir, 'truss.json'), '[1,2]');
    expect(() => updateConfigFile(dir, (c) => c)).toThrow(/expected a JSON object/);
  });
});
