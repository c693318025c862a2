import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { FrameScanner } from './frame-scanner.ts';

/**
 * The socket as aedes sees it, with the frame-size guard on the inbound side. aedes reads via
 * 'readable'/read(), so the guard must sit in the stream rather than beside it.
 *
 * The outbound side never reports backpressure: aedes would wait for 'drain' while holding one
 * of its shared delivery slots, so one frozen subscriber stalls every other client (up to
 * drainTimeout). The broker bounds each client's outbound queue itself (`queuedBytes`).
 */
export class GuardedConnection extends Duplex {
  readonly #socket: Socket;

  constructor(
    socket: Socket,
    maxFrameBytes: number,
    onViolation: (reason: string, declared?: number) => void,
  ) {
    super({ allowHalfOpen: false, writableHighWaterMark: 1 << 30 });
    this.#socket = socket;
    const scanner = new FrameScanner(maxFrameBytes);
    socket.on('data', (chunk: Buffer) => {
      const verdict = scanner.feed(chunk);
      if (!verdict.ok) {
        onViolation(verdict.reason, verdict.declared);
        this.destroy();
        return;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }

  override _read(): void {
    this.#socket.resume();
  }

  /** bytes accepted for this client and not yet handed to the kernel */
  queuedBytes(): number {
    return this.writableLength + this.#socket.writableLength;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.#socket.destroyed) return cb(new Error('socket closed'));
    this.#socket.write(chunk);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#socket.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#socket.destroy();
    cb(err);
  }
}
