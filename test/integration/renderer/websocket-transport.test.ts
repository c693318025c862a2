import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../../shared/api/client.ts';
import type { Welcome } from '../../../shared/api/client.ts';
import type { Snapshot } from '../../../shared/api/methods.ts';
import { WebSocketTransport } from '../../../renderer/transport/websocket.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const node = join(repo, 'node_modules/.bin/node');

/** The real headless server as a child process; resolves with its port once it prints its URL. */
function startServer(dataDir: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    node,
    ['main/cli.ts', 'serve', '--data', dataDir, '--port', String(port), '--mqtt-port', '0', '--no-demo'],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /ready at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before ready:\n${out}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function next<T>(subscribe: (cb: (v: T) => void) => () => void, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out waiting')), timeoutMs);
    const off = subscribe((v) => {
      clearTimeout(t);
      off();
      resolve(v);
    });
  });
}

describe('WebSocketTransport + ApiClient against the real headless server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'truss-ws-'));
  let child: ChildProcess | null = null;
  let client: ApiClient | null = null;

  afterAll(async () => {
    client?.close();
    if (child) await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sets up, authenticates, survives a server restart, and re-hellos with the same token', async () => {
    const first = await startServer(dataDir, 0);
    child = first.child;
    const url = `ws://127.0.0.1:${first.port}/api/ws`;
    client = new ApiClient(new WebSocketTransport({ url, minDelayMs: 100, maxDelayMs: 400 }));
    const c = client;
    const snapshots: Snapshot[] = [];
    const connection: boolean[] = [];
    c.onSnapshot((s) => snapshots.push(s));
    c.onConnection((up) => connection.push(up));

    let welcome: Promise<Welcome> = next((cb) => c.onWelcome(cb));
    c.hello(null);
    expect(await welcome).toEqual({ authenticated: false, needsSetup: true });
    // Non-public methods are refused before authentication.
    await expect(c.call('site.snapshot', {})).rejects.toMatchObject({ code: 'unauthenticated' });

    // the one-time code the server printed; it also leaves it in its private data folder
    const code = readFileSync(join(dataDir, 'setup-code.txt'), 'utf8').trim();
    const { token } = await c.call('auth.setup', { username: 'admin', password: 'integration-pass-1', code });
    welcome = next((cb) => c.onWelcome(cb));
    const snap = next((cb) => c.onSnapshot(cb));
    c.hello(token);
    expect(await welcome).toEqual({ authenticated: true, needsSetup: false });
    await snap;
    expect((await c.call('auth.me', {})).username).toBe('admin');

    // The server goes away: the client says so and refuses calls instead of hanging.
    const down = next((cb) => c.onConnection((up) => (up ? undefined : cb(up))));
    await stopServer(first.child);
    await down;
    expect(c.connected).toBe(false);
    const err = await c.call('auth.me', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('unavailable');

    // Same data, same port: the transport reconnects by itself, and the same session resumes
    // with a fresh snapshot.
    welcome = next((cb) => c.onWelcome(cb), 20_000);
    const resnap = next((cb) => c.onSnapshot(cb), 20_000);
    child = (await startServer(dataDir, first.port)).child;
    expect(await welcome).toEqual({ authenticated: true, needsSetup: false });
    await resnap;
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    expect(connection).toContain(false);
    expect(connection.at(-1)).toBe(true);
    expect((await c.call('auth.me', {})).username).toBe('admin');
  });
});

describe('WebSocketTransport against a hostile peer', () => {
  it('drops non-JSON, binary and unknown frames and keeps serving good ones', async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const port = (wss.address() as { port: number }).port;
    wss.on('connection', (ws) => {
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { t: string; id?: number };
        if (frame.t === 'hello') {
          ws.send('this is not json');
          ws.send(Buffer.from([0, 1, 2, 3]));
          ws.send(JSON.stringify({ t: 'bogus' }));
          ws.send(JSON.stringify({ t: 'snapshot', data: { zones: 'nope' } }));
          ws.send('x'.repeat(300_000));
          ws.send(JSON.stringify({ t: 'welcome', authenticated: false, needsSetup: false }));
        } else if (frame.t === 'call') {
          ws.send(JSON.stringify({ t: 'ok', id: frame.id, result: { needsSetup: false } }));
        }
      });
    });
    const transport = new WebSocketTransport({ url: `ws://127.0.0.1:${port}/api/ws`, minDelayMs: 50 });
    const client = new ApiClient(transport);
    const problems: string[] = [];
    client.onProtocolError((m) => problems.push(m));
    try {
      const welcome = next((cb) => client.onWelcome(cb));
      client.hello(null);
      expect(await welcome).toEqual({ authenticated: false, needsSetup: false });
      expect(problems).toEqual(['unknown frame type "bogus"', expect.stringMatching(/^malformed snapshot/)]);
      await expect(client.call('auth.status', {})).resolves.toEqual({ needsSetup: false });
    } finally {
      client.close();
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });
});
