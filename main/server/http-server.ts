import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP_STATUS, MAX_AUTHENTICATED_FRAME_BYTES, MAX_FRAME_BYTES } from '../../shared/api/frames.ts';
import { jsonDepth, MAX_JSON_DEPTH } from '../../shared/api/json-depth.ts';
import { ApiConnection } from '../core/api/api-connection.ts';
import { ApiFailure } from '../core/api/api-failure.ts';
import type { Core } from '../core/core.ts';
import { HostCheck } from './host-check.ts';
import { SECURITY_HEADERS } from './security-headers.ts';
import { serveStatic } from './static-files.ts';

export interface HeadlessServerOptions {
  core: Core;
  host: string;
  port: number;
  /** the built renderer (dist/renderer) */
  staticDir: string;
  /** host names beyond the defaults that the API answers to (config `http.allowedHosts`) */
  allowedHosts?: readonly string[];
}

/** A client that can't keep up is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading, answer, then drop the connection (see #apiCall): the rest is never buffered.
        req.pause();
        req.removeAllListeners('data');
        reject(new BodyTooLarge(`Request body over ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

class BodyTooLarge extends ApiFailure {
  constructor(message: string) {
    super('bad_request', message);
  }
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

/** A browser page from another site must not open our socket (cross-site WebSocket hijacking). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * ws fixes maxPayload per server; its receiver reads `_maxPayload` on every frame, so one socket's
 * cap can follow its sign-in. Checked by test/integration/server/hostile-http.test.ts (a ws
 * upgrade that renames the field fails it).
 */
function setMaxPayload(ws: WebSocket, bytes: number): void {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: number } })._receiver;
  if (receiver && typeof receiver._maxPayload === 'number') receiver._maxPayload = bytes;
}

/** `decodeURIComponent` that answers 400 instead of throwing a URIError (a 500) on bad escapes. */
function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiFailure('bad_request', 'The URL has a malformed percent-encoding.');
  }
}

/**
 * Headless mode's HTTP + WebSocket front: the built UI, `GET /healthz`, `POST /api/call/<method>`
 * and the `/api/ws` frame protocol. Both API pipes go through the same ApiService as Electron IPC.
 */
export class HeadlessServer {
  readonly #opts: HeadlessServerOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<WebSocket>();
  readonly #hosts: HostCheck;

  constructor(opts: HeadlessServerOptions) {
    this.#opts = opts;
    this.#hosts = new HostCheck({ bindHost: opts.host, allowedHosts: opts.allowedHosts });
    this.#http = createServer((req, res) => {
      const refusal = this.#refuseHost(req);
      if (refusal) return sendJson(res, 403, { error: { code: 'forbidden', message: refusal } });
      this.#route(req, res).catch((err: unknown) => {
        opts.core.log.error({ err, url: req.url }, 'HTTP handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'internal error' } });
        else res.destroy();
      });
    });
    this.#http.headersTimeout = 10_000;
    this.#http.requestTimeout = 30_000;
    // Before sign-in the socket itself refuses frames over the anonymous cap, so nothing larger is
    // ever buffered (the probe's 150 anonymous clients parked 1.24 GB of 6 MB frames); a hello
    // with a valid token raises it to the signed-in cap (setMaxPayload).
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    this.#http.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/api/ws' || this.#refuseHost(req) || !sameOrigin(req)) {
        socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req.socket.remoteAddress));
    });
  }

  /** Why this request's Host or Origin is refused (DNS rebinding, a foreign page), or null. */
  #refuseHost(req: IncomingMessage): string | null {
    if (!this.#hosts.hostAllowed(req.headers.host)) {
      this.#opts.core.log.warn(
        { host: req.headers.host?.slice(0, 200) },
        'request for an unknown host refused',
      );
      return `This host name is not allowed; add it to http.allowedHosts in truss.json (allowed: ${this.#hosts.describe()}).`;
    }
    if (!this.#hosts.originAllowed(req.headers.origin)) return 'Requests from this origin are not allowed.';
    return null;
  }

  async start(): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#opts.port, this.#opts.host, () => resolve());
    });
    const { port } = this.#http.address() as AddressInfo;
    const host = this.#opts.host === '0.0.0.0' || this.#opts.host === '::' ? '127.0.0.1' : this.#opts.host;
    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`, port };
  }

  async stop(): Promise<void> {
    for (const ws of this.#connections) ws.close(1001, 'server stopping');
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #accept(ws: WebSocket, source: string | undefined): void {
    const { core } = this.#opts;
    this.#connections.add(ws);
    const conn = new ApiConnection(
      {
        api: core.api,
        auth: core.use('auth'),
        snapshot: async () => core.snapshot(),
        log: core.log.child({ transport: 'ws' }),
        ...(source ? { source } : {}),
        onAuthenticated: (authed) =>
          setMaxPayload(ws, authed ? MAX_AUTHENTICATED_FRAME_BYTES : MAX_FRAME_BYTES),
      },
      (frame) => {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          core.log.warn({ buffered: ws.bufferedAmount }, 'slow WebSocket client dropped');
          ws.terminate();
          return;
        }
        ws.send(JSON.stringify(frame));
      },
      'ws',
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) return void conn.receive('\u0000binary');
      void conn.receive(data.toString());
    });
    ws.on('close', () => {
      conn.close();
      this.#connections.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { core } = this.#opts;
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    try {
      decodePath(path);
    } catch (err) {
      return sendJson(res, 400, { error: (err as ApiFailure).toBody() });
    }
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return sendJson(res, 200, core.health());
    }
    if (path.startsWith('/api/call/')) {
      if (req.method !== 'POST')
        return sendJson(res, 405, { error: { code: 'bad_request', message: 'Use POST.' } });
      return this.#apiCall(req, res, decodePath(path.slice('/api/call/'.length)));
    }
    if (path.startsWith('/api/'))
      return sendJson(res, 404, { error: { code: 'not_found', message: 'No such endpoint.' } });
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { error: { code: 'bad_request', message: 'Method not allowed.' } });
    if (!serveStatic(this.#opts.staticDir, path, res, SECURITY_HEADERS)) {
      sendJson(res, 404, {
        error: { code: 'not_found', message: 'Not found (is the UI built? npm run build:renderer).' },
      });
    }
  }

  async #apiCall(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const { core } = this.#opts;
    try {
      const type = req.headers['content-type'] ?? '';
      // Requiring JSON keeps simple cross-site form posts out (they cannot send this content type).
      if (!type.startsWith('application/json'))
        throw new ApiFailure('bad_request', 'Send the parameters as application/json.');
      const session = core.use('auth').authenticate(bearer(req));
      const body = await readBody(req, session ? MAX_AUTHENTICATED_FRAME_BYTES : MAX_FRAME_BYTES);
      let params: unknown = {};
      if (body.trim() !== '') {
        if (jsonDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
          throw new ApiFailure('bad_request', `The body nests deeper than ${MAX_JSON_DEPTH} levels.`);
        try {
          params = JSON.parse(body);
        } catch {
          throw new ApiFailure('bad_request', 'The body is not valid JSON.');
        }
      }
      const result = await core.api.call(method, params, {
        session,
        transport: 'http',
        ...(req.socket.remoteAddress ? { source: req.socket.remoteAddress } : {}),
      });
      sendJson(res, 200, { result });
    } catch (err) {
      const failure = err instanceof ApiFailure ? err : new ApiFailure('internal', 'internal error');
      if (!(err instanceof ApiFailure)) core.log.error({ err, method }, 'HTTP API call failed');
      if (err instanceof BodyTooLarge) {
        res.setHeader('Connection', 'close');
        res.on('finish', () => req.socket.destroy());
        return sendJson(res, 413, { error: failure.toBody() });
      }
      sendJson(res, HTTP_STATUS[failure.code], { error: failure.toBody() });
    }
  }
}
