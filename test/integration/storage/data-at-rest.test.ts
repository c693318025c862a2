import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../../shared/adapter/contract.ts';
import { startTestTruss, type TestTruss } from '../support/truss-harness.ts';

/**
 * Secrets and files at rest (issue 14 §5): the probe found truss.db (password hashes) and the logs
 * world-readable. Everything in the data folder must be 0700/0600 whatever the umask or the
 * modes of a folder that existed before; a damaged database is found at start and shown in health.
 */
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const node = join(repo, 'node_modules/.bin/node');

function modes(root: string): Array<{ path: string; mode: number; dir: boolean }> {
  const out: Array<{ path: string; mode: number; dir: boolean }> = [];
  const visit = (p: string) => {
    const st = statSync(p);
    out.push({ path: p.slice(root.length) || '/', mode: st.mode & 0o777, dir: st.isDirectory() });
    if (st.isDirectory()) for (const n of readdirSync(p)) visit(join(p, n));
  };
  visit(root);
  return out;
}

function loose(root: string): string[] {
  return modes(root)
    .filter((m) => m.mode !== (m.dir ? 0o700 : 0o600))
    .map((m) => `${m.path} ${m.mode.toString(8)}`);
}

function serve(dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    node,
    ['main/cli.ts', 'serve', '--data', dataDir, '--port', '0', '--mqtt-port', '0', '--no-demo'],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready at')) resolve(child);
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

let child: ChildProcess | null = null;
let t: TestTruss | null = null;
const dirs: string[] = [];
afterEach(async () => {
  if (child) await stop(child);
  child = null;
  await t?.stop({ keepData: true });
  t = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the data folder is private', () => {
  it('is 0700/0600 throughout under umask 022, also for a folder that existed looser', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'truss-modes-'));
    dirs.push(dataDir);
    // an older install: a world-readable folder, a sub-folder and a file in it
    chmodSync(dataDir, 0o755);
    mkdirSync(join(dataDir, 'adapters', 'old'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dataDir, 'adapters', 'old', 'state.json'), '{}', { mode: 0o644 });
    const previous = process.umask(0o022); // the child inherits it, as from a login shell
    try {
      child = await serve(dataDir);
    } finally {
      process.umask(previous);
    }
    // running: the database with its -wal and -shm, logs, key file, setup code, adapter folders
    const names = modes(dataDir).map((m) => m.path);
    for (const expected of ['/truss.db', '/truss.db-wal', '/secrets.key', '/setup-code.txt', '/logs'])
      expect(names, expected).toContain(expected);
    expect(names.some((n) => n.startsWith('/logs/truss.'))).toBe(true);
    expect(loose(dataDir)).toEqual([]);
    await stop(child);
    child = null;
    expect(loose(dataDir)).toEqual([]);
  }, 60_000);
});

describe('a damaged database is found at start', () => {
  /** a site with data, stopped; returns the checkpointed database file */
  async function siteWithData(dataDir: string): Promise<string> {
    t = await startTestTruss({ dataDir });
    expect(t.truss.core.health().services.database?.detail).toMatch(/quick_check ok/);
    const token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
      .result.token;
    for (let i = 0; i < 20; i++)
      await t.call('zone.create', { name: `Zone ${i}`, kind: 'room', parentId: null }, token);
    await t.stop({ keepData: true });
    t = null;
    const file = join(dataDir, 'truss.db');
    // a feature's own table (as history's are), written last so its pages are the file's tail
    const sqlite = new DatabaseSync(file);
    sqlite.exec('CREATE TABLE IF NOT EXISTS probe_samples (ts INTEGER PRIMARY KEY, v TEXT)');
    const insert = sqlite.prepare('INSERT INTO probe_samples (ts, v) VALUES (?, ?)');
    for (let i = 0; i < 3000; i++) insert.run(i, 'sample '.repeat(8));
    // fold the WAL into the file, so the damage below lands on pages SQLite will read
    sqlite.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    sqlite.close();
    return file;
  }

  /** a power cut's torn write: garbage over two pages at `page` (never page 1, the header) */
  function tear(file: string, page: number): void {
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, 4096 * page);
    closeSync(fd);
  }

  it('a damaged feature table: starts, health names the file, quick_check and the way back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'truss-damaged-'));
    dirs.push(dataDir);
    const file = await siteWithData(dataDir);
    tear(file, Math.floor(statSync(file).size / 4096) - 3);
    t = await startTestTruss({ dataDir });
    const db = t.truss.core.health().services.database!;
    expect(db.status).toBe('degraded');
    expect(db.detail).toContain(file);
    expect(db.detail).toMatch(/quick_check/);
    expect(db.detail).toMatch(/backup/);
    expect(db.detail).toMatch(/\.recover/);
    // the documents are intact: sign-in still works
    expect(
      (await t.call('auth.login', { username: 'admin', password: 'a long admin password' })).status,
    ).toBe(200);
  }, 60_000);

  it('damaged documents: the start error names the file and the way back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'truss-damaged-'));
    dirs.push(dataDir);
    const file = await siteWithData(dataDir);
    tear(file, 2);
    await expect(startTestTruss({ dataDir })).rejects.toThrow(file);
  }, 60_000);
});

describe('a damaged adapter state file', () => {
  it('stops only that family, named in health; the rest of the core runs', async () => {
    const { Core } = await import('../../../main/core/core.ts');
    const { loadConfig } = await import('../../../main/core/config/load-config.ts');
    const { silentLogger } = await import('../../../main/core/log/logger.ts');
    const { selectAdapters } = await import('../../../main/host/compose.ts');
    const { z } = await import('zod');
    const dataDir = mkdtempSync(join(tmpdir(), 'truss-adapter-state-'));
    dirs.push(dataDir);
    // a family that keeps its adopted devices in a state file, as BLE keeps adopted.json
    const keeper = {
      manifest: {
        id: 'keeper',
        name: 'Keeper',
        description: 'test family',
        configSchema: z.object({}),
        needs: [],
      },
      setup(ctx: AdapterContext) {
        const saved = ctx.files.readJson('adopted.json', (v) =>
          z.object({ devices: z.array(z.string()) }).parse(v),
        );
        return {
          start: async () => undefined,
          stop: async () => undefined,
          health: () => ({ status: 'ok' as const, detail: `${saved?.devices.length ?? 0} devices` }),
          diagnostics: () => ({}),
          execute: async () => undefined,
        };
      },
    };
    mkdirSync(join(dataDir, 'adapters', 'keeper'), { recursive: true });
    writeFileSync(join(dataDir, 'adapters', 'keeper', 'adopted.json'), '{"devices":["aa:bb",');
    const config = loadConfig(dataDir, { http: { port: 0 }, mqtt: { port: 0 }, demo: { enabled: false } });
    const core = new Core({
      config,
      log: silentLogger(),
      adapters: [...selectAdapters(config), { module: keeper as never, config: {} }],
      version: 'test',
    });
    await core.start();
    try {
      const adapters = core.health().services.adapters!;
      expect(adapters.status).toBe('degraded');
      expect(adapters.detail).toContain(join(dataDir, 'adapters', 'keeper', 'adopted.json'));
      expect(adapters.detail).toMatch(/keeper: .*damaged/);
      expect(core.health().services.database?.status).toBe('ok');
    } finally {
      await core.stop();
    }
  }, 30_000);
});
