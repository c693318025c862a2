import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const nodeBin = join(root, 'node_modules', '.bin', 'node');

function runCli(args: string[]) {
  const child = spawn(nodeBin, [join(root, 'main', 'cli.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitFor(pred: () => boolean, ms: number, what: string) {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the truss command', () => {
  it('serves headless, prints the URL when ready, and shuts down cleanly on SIGTERM', async () => {
    const data = mkdtempSync(join(tmpdir(), 'truss-cli-'));
    const p = runCli(['serve', '--data', data, '--port', '0', '--mqtt-port', '0']);
    try {
      await waitFor(() => /ready at http/.test(p.out()), 30_000, 'ready line');
      const url = /ready at (http:\/\/\S+)/.exec(p.out())![1]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const health = await (await fetch(`${url}healthz`)).json();
      expect(health).toMatchObject({ status: 'ok' });
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      const logs = readdirSync(join(data, 'logs')).filter((f) => f.endsWith('.log'));
      const text = logs.map((f) => readFileSync(join(data, 'logs', f), 'utf8')).join('');
      expect(text).toContain('"msg":"core stopped"');
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('`start` falls back to headless mode where Electron cannot run, and says why', async () => {
    const data = mkdtempSync(join(tmpdir(), 'truss-cli-'));
    const p = runCli(['start', '--data', data, '--port', '0', '--mqtt-port', '0', '--no-demo']);
    try {
      await waitFor(() => /ready at http/.test(p.out()), 30_000, 'ready line');
      expect(p.out()).toMatch(
        /Desktop app unavailable \((the Electron runtime is not installed|no display)\)/,
      );
      p.child.kill('SIGINT');
      expect(await p.exited).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('refuses a bad configuration file, naming the key, and starts nothing', async () => {
    const data = mkdtempSync(join(tmpdir(), 'truss-cli-'));
    writeFileSync(join(data, 'truss.json'), JSON.stringify({ mqtt: { port: 70000 } }));
    const p = runCli(['serve', '--data', data]);
    expect(await p.exited).toBe(78);
    expect(p.err()).toMatch(/mqtt\.port/);
    expect(p.out()).not.toMatch(/ready/);
  });
});
