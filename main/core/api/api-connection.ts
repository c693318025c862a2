import type { Logger } from '../../../shared/adapter/contract.ts';
import {
  ClientFrame,
  MAX_AUTHENTICATED_FRAME_BYTES,
  MAX_FRAME_BYTES,
  type ServerFrame,
} from '../../../shared/api/frames.ts';
import { jsonDepth, MAX_JSON_DEPTH } from '../../../shared/api/json-depth.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { ApiFailure } from './api-failure.ts';
import type { ApiService } from './api-service.ts';

export interface ConnectionDeps {
  api: ApiService;
  auth: AuthService;
  snapshot: () => Promise<unknown>;
  log: Logger;
  /** the peer's address, for per-source throttles (sign-in, setup code) */
  source?: string;
  /** the pipe's frame cap follows the sign-in: small before, larger after (WebSocket maxPayload) */
  onAuthenticated?: (authenticated: boolean) => void;
}

/**
 * One client on one pipe (a WebSocket, an Electron MessagePort): the frame protocol of
 * shared/api/frames.ts, independent of the pipe. The token is re-checked on every call, so a
 * logout or a deleted user takes effect at once on every open connection.
 */
export class ApiConnection {
  readonly #deps: ConnectionDeps;
  readonly #send: (frame: ServerFrame) => void;
  readonly #transport: 'ws' | 'ipc';
  #token: string | null = null;
  #unsubscribe: (() => void) | null = null;
  #closed = false;

  constructor(deps: ConnectionDeps, send: (frame: ServerFrame) => void, transport: 'ws' | 'ipc') {
    this.#deps = deps;
    this.#send = send;
    this.#transport = transport;
  }

  /** Feed one raw text frame from the pipe. Never throws: bad input is answered, not fatal. */
  async receive(raw: string): Promise<void> {
    if (this.#closed) return;
    const limit = this.#deps.auth.authenticate(this.#token) ? MAX_AUTHENTICATED_FRAME_BYTES : MAX_FRAME_BYTES;
    if (raw.length > limit) return this.#protocolError('frame too large');
    // a frame is one level deeper than its params: {"t":"call","params":{...}}
    if (jsonDepth(raw, MAX_JSON_DEPTH + 1) > MAX_JSON_DEPTH + 1)
      return this.#protocolError(`frame nests deeper than ${MAX_JSON_DEPTH} levels`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return this.#protocolError('frame is not valid JSON');
    }
    const parsed = ClientFrame.safeParse(json);
    if (!parsed.success) return this.#protocolError('frame does not match the protocol');
    const frame = parsed.data;
    if (frame.t === 'hello') return this.#hello(frame.token);
    await this.#call(frame.id, frame.method, frame.params);
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  async #hello(token: string | null): Promise<void> {
    this.#token = token;
    const session = this.#deps.auth.authenticate(token);
    this.#deps.onAuthenticated?.(session !== null);
    this.#send({
      t: 'welcome',
      authenticated: session !== null,
      needsSetup: await this.#deps.auth.needsSetup(),
    });
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (!session) return;
    // Subscribe before taking the snapshot so no change falls between the two.
    const pending: ServerFrame[] = [];
    let live = false;
    this.#unsubscribe = this.#deps.api.subscribe((evt) => {
      if (!this.#deps.auth.authenticate(this.#token)) return this.#expire();
      const frame: ServerFrame = { t: 'evt', evt };
      if (live) this.#send(frame);
      else pending.push(frame);
    });
    this.#send({ t: 'snapshot', data: (await this.#deps.snapshot()) as never });
    live = true;
    for (const f of pending) this.#send(f);
  }

  #expire(): void {
    this.#deps.onAuthenticated?.(false);
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#send({ t: 'welcome', authenticated: false, needsSetup: false });
  }

  async #call(id: number, method: string, params: unknown): Promise<void> {
    try {
      const session = this.#deps.auth.authenticate(this.#token);
      const result = await this.#deps.api.call(method, params, {
        session,
        transport: this.#transport,
        ...(this.#deps.source ? { source: this.#deps.source } : {}),
      });
      if (!this.#closed) this.#send({ t: 'ok', id, result });
    } catch (err) {
      const failure = err instanceof ApiFailure ? err : new ApiFailure('internal', 'internal error');
      if (!(err instanceof ApiFailure)) this.#deps.log.error({ err, method }, 'call failed');
      if (!this.#closed) this.#send({ t: 'err', id, error: failure.toBody() });
    }
  }

  #protocolError(message: string): void {
    this.#deps.log.warn({ reason: message }, 'bad client frame');
    this.#send({ t: 'err', id: -1, error: { code: 'bad_request', message } });
  }
}
