import type { Transport } from '../../shared/api/client.ts';
import type { ClientFrame, ServerFrame } from '../../shared/api/frames.ts';
import { TransportEvents } from './transport-events.ts';

/**
 * What the Electron preload exposes as window.truss. A MessagePort cannot cross the context bridge,
 * so the preload asks the main process for one (requestPort) and hands it to the page with
 * window.postMessage('truss:port', origin, [port]). A bridge that can return the port directly
 * (connect) is accepted too.
 */
export interface TrussBridge {
  requestPort?: () => void;
  connect?: () => Promise<PortLike> | PortLike;
}

export const PORT_MESSAGE = 'truss:port';

/**
 * The parts of a DOM MessagePort and window this module uses, spelled out so it also type-checks
 * (and is unit-tested) outside a browser, with Node's MessageChannel.
 */
export interface PortLike {
  postMessage(text: string): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  addEventListener(type: 'close', cb: () => void): void;
  start(): void;
  close(): void;
}
type PortMessage = { source: unknown; data: unknown; ports: readonly PortLike[] };
export interface PortSource {
  addEventListener(type: 'message', cb: (ev: PortMessage) => void): void;
  removeEventListener(type: 'message', cb: (ev: PortMessage) => void): void;
}

export type IpcTransportOptions = {
  /** the window the preload posts the port to (the page's own window) */
  win?: PortSource;
  /** how long to wait for the port before reporting the connection as lost */
  portTimeoutMs?: number;
  /** delay before asking for a new port after one closed */
  retryDelayMs?: number;
};

/** Waits for the preload's port message; only a message from our own window counts. */
function obtainPort(bridge: TrussBridge, win: PortSource, timeoutMs: number): Promise<PortLike> {
  if (bridge.connect) return Promise.resolve(bridge.connect());
  const request = bridge.requestPort;
  if (!request) return Promise.reject(new Error('window.truss offers no way to get a port'));
  return new Promise((resolve, reject) => {
    const onMessage = (m: PortMessage) => {
      const port = m.ports[0];
      if (m.source !== win || m.data !== PORT_MESSAGE || !port) return;
      cleanup();
      resolve(port);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('the desktop shell sent no API port'));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      win.removeEventListener('message', onMessage);
    };
    win.addEventListener('message', onMessage);
    request();
  });
}

/**
 * The desktop pipe: the same JSON frames as the WebSocket, as JSON text over a MessagePort. If the
 * port closes (the core process restarted), it asks for a new one, like the WebSocket reconnects.
 */
export class IpcTransport extends TransportEvents implements Transport {
  #bridge: TrussBridge;
  #win: PortSource;
  #portTimeoutMs: number;
  #retryDelayMs: number;
  #port: PortLike | null = null;
  #buffer: string[] = [];
  #closed = false;

  constructor(bridge: TrussBridge, opts: IpcTransportOptions = {}) {
    super();
    this.#bridge = bridge;
    this.#win = opts.win ?? (globalThis as unknown as PortSource);
    this.#portTimeoutMs = opts.portTimeoutMs ?? 10_000;
    this.#retryDelayMs = opts.retryDelayMs ?? 1_000;
    this.#connect();
  }

  send(frame: ClientFrame): void {
    if (this.#closed) throw new Error('transport closed');
    const text = JSON.stringify(frame);
    if (this.#port) this.#port.postMessage(text);
    else this.#buffer.push(text);
  }

  close(): void {
    this.#closed = true;
    this.#port?.close();
    this.#port = null;
  }

  #connect(): void {
    obtainPort(this.#bridge, this.#win, this.#portTimeoutMs).then(
      (port) => this.#attach(port),
      () => this.#lost(null),
    );
  }

  #attach(port: PortLike): void {
    if (this.#closed) {
      port.close();
      return;
    }
    this.#port = port;
    port.onmessage = (ev) => {
      let frame: unknown = ev.data;
      if (typeof frame === 'string') {
        try {
          frame = JSON.parse(frame);
        } catch {
          return; // not JSON: dropped; the client validates everything else
        }
      }
      this.emitFrame(frame as ServerFrame);
    };
    // Chromium fires 'close' on an entangled port whose other end went away.
    port.addEventListener('close', () => this.#lost(port));
    port.start();
    for (const text of this.#buffer.splice(0)) port.postMessage(text);
    this.emitOpen();
  }

  #lost(port: PortLike | null): void {
    if (port !== null && port !== this.#port) return;
    this.#port = null;
    this.#buffer = [];
    this.emitClose();
    if (this.#closed) return;
    setTimeout(() => {
      if (!this.#closed) this.#connect();
    }, this.#retryDelayMs);
  }
}
