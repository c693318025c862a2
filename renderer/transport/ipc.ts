import type { Transport } from '../../shared/api/client.ts';
import type { ClientFrame, ServerFrame } from '../../shared/api/frames.ts';

/** What the Electron preload exposes through contextBridge. */
export interface TrussBridge {
  /** a fresh MessagePort wired to the core's API endpoint */
  connect(): Promise<MessagePort> | MessagePort;
}

declare global {
  interface Window {
    truss?: TrussBridge;
  }
}

/**
 * The desktop pipe: the same JSON frames as the WebSocket, over a MessagePort. Frames travel as JSON
 * text so both pipes carry byte-identical messages; an object that arrives is accepted as well.
 * The port lives as long as the window, so there is one open and, at most, one close.
 */
export class IpcTransport implements Transport {
  #port: MessagePort | null = null;
  #buffer: string[] = [];
  #closed = false;
  #frameCbs = new Set<(f: ServerFrame) => void>();
  #openCbs = new Set<() => void>();
  #closeCbs = new Set<() => void>();

  constructor(bridge: TrussBridge) {
    void Promise.resolve()
      .then(() => bridge.connect())
      .then(
        (port) => this.#attach(port),
        () => this.#lost(),
      );
  }

  send(frame: ClientFrame): void {
    if (this.#closed) throw new Error('not connected');
    const text = JSON.stringify(frame);
    if (this.#port) this.#port.postMessage(text);
    else this.#buffer.push(text);
  }

  onFrame(cb: (f: ServerFrame) => void): () => void {
    this.#frameCbs.add(cb);
    return () => this.#frameCbs.delete(cb);
  }

  onOpen(cb: () => void): () => void {
    this.#openCbs.add(cb);
    return () => this.#openCbs.delete(cb);
  }

  onClose(cb: () => void): () => void {
    this.#closeCbs.add(cb);
    return () => this.#closeCbs.delete(cb);
  }

  close(): void {
    this.#closed = true;
    this.#port?.close();
    this.#port = null;
  }

  #attach(port: MessagePort): void {
    if (this.#closed) {
      port.close();
      return;
    }
    this.#port = port;
    port.onmessage = (ev: MessageEvent) => {
      let frame: unknown = ev.data;
      if (typeof frame === 'string') {
        try {
          frame = JSON.parse(frame);
        } catch {
          return;
        }
      }
      for (const cb of [...this.#frameCbs]) cb(frame as ServerFrame);
    };
    port.start();
    for (const text of this.#buffer.splice(0)) port.postMessage(text);
    for (const cb of [...this.#openCbs]) cb();
  }

  #lost(): void {
    this.#closed = true;
    this.#buffer = [];
    for (const cb of [...this.#closeCbs]) cb();
  }
}
