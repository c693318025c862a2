import type { Transport } from '../../shared/api/client.ts';
import type { ClientFrame, ServerFrame } from '../../shared/api/frames.ts';
import { TransportEvents } from './transport-events.ts';

export type WebSocketTransportOptions = {
  url: string;
  /** first retry delay; doubles per failed attempt up to maxDelayMs */
  minDelayMs?: number;
  maxDelayMs?: number;
};

/**
 * A WebSocket that keeps reconnecting with jittered exponential backoff until closed. Frames sent
 * while a socket is still connecting are flushed when it opens; frames are dropped on a lost socket
 * (the API client has already rejected their calls).
 */
export class WebSocketTransport extends TransportEvents implements Transport {
  #url: string;
  #minDelay: number;
  #maxDelay: number;
  #socket: WebSocket | null = null;
  #buffer: string[] = [];
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(opts: WebSocketTransportOptions) {
    super();
    this.#url = opts.url;
    this.#minDelay = opts.minDelayMs ?? 250;
    this.#maxDelay = opts.maxDelayMs ?? 5_000;
    this.#connect();
  }

  send(frame: ClientFrame): void {
    const text = JSON.stringify(frame);
    const socket = this.#socket;
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
    else if (socket && socket.readyState === WebSocket.CONNECTING) this.#buffer.push(text);
    else throw new Error('not connected');
  }

  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#socket?.close(1000);
    this.#socket = null;
  }

  #connect(): void {
    if (this.#closed) return;
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      for (const text of this.#buffer.splice(0)) socket.send(text);
      this.emitOpen();
    };
    socket.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(ev.data) as ServerFrame;
      } catch {
        return; // not JSON: the client validates everything else
      }
      this.emitFrame(frame);
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#buffer = [];
      this.emitClose();
      this.#scheduleRetry();
    };
    // onerror is always followed by onclose, which does the work.
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    const base = Math.min(this.#maxDelay, this.#minDelay * 2 ** this.#attempt);
    this.#attempt++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#connect();
    }, delay);
  }
}
