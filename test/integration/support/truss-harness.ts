import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ServerFrame } from '../../../shared/api/frames.ts';
import { loadConfig } from '../../../main/core/config/load-config.ts';
import { silentLogger } from '../../../main/core/log/logger.ts';
import { startTruss, type RunningTruss } from '../../../main/host/compose.ts';
import { HeadlessServer } from '../../../main/server/http-server.ts';
import { RENDERER_DIR } from '../../../main/server/run-headless.ts';

export interface TestTruss {
  truss: RunningTruss;
  url: string;
  dataDir: string;
  /** POST /api/call/<method> */
  call(method: string, params?: unknown, token?: string | null): Promise<{ status: number; body: any }>;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/** A real core with its real broker and storage, served by the real headless server, on free ports. */
export async function startTestTruss(
  opts: { demo?: boolean; dataDir?: string; tickMs?: number; adapters?: Record<string, unknown> } = {},
): Promise<TestTruss> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'truss-it-'));
  const config = loadConfig(dataDir, {
    http: { port: 0 },
    mqtt: { port: 0 },
    demo: { enabled: opts.demo ?? false, tickMs: opts.tickMs ?? 500 },
    ...(opts.adapters ? { adapters: opts.adapters } : {}),
  });
  const truss = await startTruss(config, silentLogger());
  const server = new HeadlessServer({
    core: truss.core,
    host: '127.0.0.1',
    port: 0,
    staticDir: RENDERER_DIR,
  });
  const { url } = await server.start();
  return {
    truss,
    url,
    dataDir,
    async call(method, params = {}, token = null) {
      // First-run setup needs the one-time code the core issued (tests that check the code pass one).
      if (method === 'auth.setup' && params && typeof params === 'object' && !('code' in params))
        params = { ...params, code: truss.core.use('auth').setupCode() ?? '' };
      const res = await fetch(`${url}api/call/${method}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(params),
      });
      return { status: res.status, body: await res.json() };
    },
    async stop({ keepData = false } = {}) {
      await server.stop();
      await truss.stop();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A raw WebSocket client of the frame protocol, collecting every frame it receives. */
export class WsProbe {
  readonly frames: ServerFrame[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  closed = false;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}api/ws`, { headers });
    this.ws.on('message', (d) => this.frames.push(JSON.parse(d.toString()) as ServerFrame));
    this.ws.on('close', () => (this.closed = true));
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async waitFor<T extends ServerFrame>(pred: (f: ServerFrame) => boolean, timeoutMs = 5000): Promise<T> {
    const t0 = Date.now();
    for (;;) {
      const f = this.frames.find(pred);
      if (f) return f as T;
      if (Date.now() - t0 > timeoutMs)
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls `fn` (sync or async) until it returns something truthy, and returns that. */
export async function until<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
