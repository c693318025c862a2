import { ApiEvent } from './events.ts';
import { ApiErrorBody } from './frames.ts';
import type { ApiErrorCode, ClientFrame, ServerFrame } from './frames.ts';
import { METHODS, Snapshot } from './methods.ts';
import type { MethodName, ParamsIn, Result } from './methods.ts';

/**
 * The pipe under the client: a WebSocket, a MessagePort, or an in-memory pair in tests. A transport
 * carries whole frames; it may buffer frames sent while its first connection is still opening, and it
 * reports every (re)connection through onOpen and every loss through onClose.
 */
export interface Transport {
  send(frame: ClientFrame): void;
  onFrame(cb: (f: ServerFrame) => void): () => void;
  onOpen(cb: () => void): () => void;
  onClose(cb: () => void): () => void;
  close(): void;
}

export type ApiIssue = { path: string; message: string };

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: ApiIssue[] | undefined;

  constructor(code: ApiErrorCode, message: string, issues?: ApiIssue[]) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }

  /** The message for one field (a bad_request issue path such as 'password'), if the server named it. */
  issueFor(path: string): string | undefined {
    return this.issues?.find((i) => i.path === path)?.message;
  }
}

export type Welcome = { authenticated: boolean; needsSetup: boolean };
export type CallOptions = { timeoutMs?: number };

export const DEFAULT_CALL_TIMEOUT_MS = 15_000;

type Pending = {
  method: MethodName;
  resolve: (v: unknown) => void;
  reject: (e: ApiError) => void;
  timer: TimerHandle;
};

type Listener<T> = (v: T) => void;

/** shared/ compiles without DOM or Node typings; both hosts provide these timers. */
type TimerHandle = number | object;
const timers = globalThis as unknown as {
  setTimeout(cb: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
};

function emit<T>(listeners: Set<Listener<T>>, value: T): void {
  for (const cb of [...listeners]) {
    try {
      cb(value);
    } catch {
      // One faulty subscriber must not stop the others nor break frame handling.
    }
  }
}

function subscribe<T>(listeners: Set<Listener<T>>, cb: Listener<T>): () => void {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

/**
 * Typed calls and subscriptions over the wire protocol of frames.ts. Callers see methods, not frames.
 *
 * Ordering: after hello() the client holds further calls until the server's welcome, so a server
 * that checks the token asynchronously never sees a call from a half-authenticated connection.
 * Reconnection: on every reopen the client says hello again with the last token; the server answers
 * with a fresh snapshot, which subscribers must use to replace (not merge) their state.
 */
export class ApiClient {
  #transport: Transport;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  /** calls waiting for the welcome that answers our hello */
  #held: Array<() => void> = [];
  #token: string | null = null;
  #helloEverSent = false;
  #helloSentOnThisConnection = false;
  #awaitingWelcome = false;
  /** hellos sent on this connection and not yet answered: only the answer to the last one counts */
  #unansweredHellos = 0;
  #connected = true;
  #closedByUser = false;
  #welcome: Welcome | null = null;
  #snapshotListeners = new Set<Listener<Snapshot>>();
  #eventListeners = new Set<Listener<ApiEvent>>();
  #welcomeListeners = new Set<Listener<Welcome>>();
  #connectionListeners = new Set<Listener<boolean>>();
  #protocolErrorListeners = new Set<Listener<string>>();
  #unsubscribers: Array<() => void>;

  constructor(transport: Transport) {
    this.#transport = transport;
    this.#unsubscribers = [
      transport.onFrame((f) => this.#handleFrame(f)),
      transport.onOpen(() => this.#handleOpen()),
      transport.onClose(() => this.#handleClose()),
    ];
  }

  /** False between a transport close and the next open. */
  get connected(): boolean {
    return this.#connected;
  }

  /** The last welcome received on the current connection, or null before it arrives. */
  get welcome(): Welcome | null {
    return this.#welcome;
  }

  get token(): string | null {
    return this.#token;
  }

  /** Identify this connection (null: anonymous); remembered and repeated after every reconnect. */
  hello(token: string | null): void {
    this.#token = token;
    this.#helloEverSent = true;
    if (!this.#connected) return; // sent by #handleOpen when the transport is back
    this.#sendHello();
  }

  call<M extends MethodName>(method: M, params: ParamsIn<M>, opts: CallOptions = {}): Promise<Result<M>> {
    return new Promise<Result<M>>((resolve, reject) => {
      if (this.#closedByUser) {
        reject(new ApiError('unavailable', 'client closed'));
        return;
      }
      if (!this.#connected) {
        reject(new ApiError('unavailable', 'not connected'));
        return;
      }
      const id = this.#nextId++;
      const timeoutMs = opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
      const timer = timers.setTimeout(() => {
        this.#pending.delete(id);
        reject(new ApiError('unavailable', `${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        method,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
      });
      const send = () => {
        if (!this.#pending.has(id)) return; // timed out or rejected while held
        try {
          this.#transport.send({ t: 'call', id, method, params });
        } catch (e) {
          this.#settleError(id, new ApiError('unavailable', `send failed: ${errorText(e)}`));
        }
      };
      if (this.#awaitingWelcome) this.#held.push(send);
      else send();
    });
  }

  onSnapshot(cb: (s: Snapshot) => void): () => void {
    return subscribe(this.#snapshotListeners, cb);
  }

  onEvent(cb: (e: ApiEvent) => void): () => void {
    return subscribe(this.#eventListeners, cb);
  }

  onWelcome(cb: (w: Welcome) => void): () => void {
    return subscribe(this.#welcomeListeners, cb);
  }

  /** true on (re)open, false on loss. */
  onConnection(cb: (connected: boolean) => void): () => void {
    return subscribe(this.#connectionListeners, cb);
  }

  /** Frames the client had to drop because they broke the protocol (for logs and diagnostics). */
  onProtocolError(cb: (message: string) => void): () => void {
    return subscribe(this.#protocolErrorListeners, cb);
  }

  /** Close for good: rejects everything pending and closes the transport. */
  close(): void {
    if (this.#closedByUser) return;
    this.#closedByUser = true;
    this.#rejectAll(new ApiError('unavailable', 'client closed'));
    for (const u of this.#unsubscribers) u();
    this.#transport.close();
    this.#connected = false;
  }

  #sendHello(): void {
    this.#helloSentOnThisConnection = true;
    this.#awaitingWelcome = true;
    this.#unansweredHellos++;
    this.#welcome = null;
    try {
      this.#transport.send({ t: 'hello', token: this.#token });
    } catch (e) {
      this.#protocolError(`hello could not be sent: ${errorText(e)}`);
    }
  }

  #handleOpen(): void {
    if (this.#closedByUser) return;
    this.#connected = true;
    // A hello buffered while the first connection was opening has already gone out with it.
    if (this.#helloEverSent && !this.#helloSentOnThisConnection) this.#sendHello();
    emit(this.#connectionListeners, true);
  }

  #handleClose(): void {
    const wasConnected = this.#connected;
    this.#connected = false;
    this.#helloSentOnThisConnection = false;
    this.#awaitingWelcome = false;
    this.#unansweredHellos = 0;
    this.#welcome = null;
    this.#rejectAll(new ApiError('unavailable', 'connection lost'));
    if (wasConnected) emit(this.#connectionListeners, false);
  }

  #rejectAll(err: ApiError): void {
    this.#held = [];
    const pending = [...this.#pending.entries()];
    this.#pending.clear();
    for (const [, p] of pending) {
      timers.clearTimeout(p.timer);
      p.reject(err);
    }
  }

  #settleError(id: number, err: ApiError): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    timers.clearTimeout(p.timer);
    p.reject(err);
  }

  #handleFrame(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null || !('t' in raw)) {
      this.#protocolError('frame without a type');
      return;
    }
    const f = raw as ServerFrame;
    switch (f.t) {
      case 'welcome': {
        if (typeof f.authenticated !== 'boolean' || typeof f.needsSetup !== 'boolean') {
          this.#protocolError('malformed welcome');
          return;
        }
        if (this.#unansweredHellos > 0) this.#unansweredHellos--;
        // The answer to a hello that a newer one has replaced (a quick logout and login) is stale.
        if (this.#unansweredHellos > 0) return;
        const welcome = { authenticated: f.authenticated, needsSetup: f.needsSetup };
        this.#welcome = welcome;
        this.#awaitingWelcome = false;
        const held = this.#held;
        this.#held = [];
        for (const send of held) send();
        emit(this.#welcomeListeners, welcome);
        return;
      }
      case 'snapshot': {
        const parsed = Snapshot.safeParse(f.data);
        if (!parsed.success) {
          this.#protocolError(`malformed snapshot: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
          return;
        }
        emit(this.#snapshotListeners, parsed.data);
        return;
      }
      case 'evt': {
        const parsed = ApiEvent.safeParse(f.evt);
        if (!parsed.success) {
          this.#protocolError('malformed event');
          return;
        }
        emit(this.#eventListeners, parsed.data);
        return;
      }
      case 'ok': {
        const p = typeof f.id === 'number' ? this.#pending.get(f.id) : undefined;
        if (!p) return; // a late answer to a call that already timed out
        this.#pending.delete(f.id);
        timers.clearTimeout(p.timer);
        const parsed = METHODS[p.method].result.safeParse(f.result);
        if (parsed.success) p.resolve(parsed.data);
        else p.reject(new ApiError('internal', `malformed result for ${p.method}`));
        return;
      }
      case 'err': {
        if (typeof f.id !== 'number' || !this.#pending.has(f.id)) return;
        const body = ApiErrorBody.safeParse(f.error);
        this.#settleError(
          f.id,
          body.success
            ? new ApiError(body.data.code, body.data.message, body.data.issues)
            : new ApiError('internal', 'malformed error from server'),
        );
        return;
      }
      default:
        this.#protocolError(`unknown frame type ${JSON.stringify((raw as { t: unknown }).t)}`);
    }
  }

  #protocolError(message: string): void {
    emit(this.#protocolErrorListeners, message);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
