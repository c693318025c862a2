import type { ServerFrame } from '../../shared/api/frames.ts';

/** The listener half of a Transport, shared by the WebSocket and the MessagePort pipes. */
export class TransportEvents {
  readonly #frameCbs = new Set<(f: ServerFrame) => void>();
  readonly #openCbs = new Set<() => void>();
  readonly #closeCbs = new Set<() => void>();

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

  protected emitFrame(frame: ServerFrame): void {
    for (const cb of [...this.#frameCbs]) cb(frame);
  }

  protected emitOpen(): void {
    for (const cb of [...this.#openCbs]) cb();
  }

  protected emitClose(): void {
    for (const cb of [...this.#closeCbs]) cb();
  }
}
