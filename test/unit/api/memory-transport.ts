import type { Transport } from '../../../shared/api/client.ts';
import type { ClientFrame, ServerFrame } from '../../../shared/api/frames.ts';

/**
 * Both ends of an in-memory pipe. Frames cross as JSON text, asynchronously, as they would on a
 * socket, so tests see the same serialisation and ordering a real transport gives.
 */
export type ServerEnd = {
  received: unknown[];
  onFrame(cb: (f: ClientFrame) => void): void;
  /** send any JSON value, including malformed frames */
  send(frame: ServerFrame | unknown): void;
  open(): void;
  drop(): void;
};

export function memoryTransportPair(opts: { startOpen?: boolean } = {}): {
  transport: Transport;
  server: ServerEnd;
} {
  let open = opts.startOpen ?? true;
  const frameCbs = new Set<(f: ServerFrame) => void>();
  const openCbs = new Set<() => void>();
  const closeCbs = new Set<() => void>();
  const serverCbs = new Set<(f: ClientFrame) => void>();
  const buffered: string[] = [];
  const received: unknown[] = [];

  const deliverToServer = (text: string) => {
    queueMicrotask(() => {
      const frame = JSON.parse(text) as ClientFrame;
      received.push(frame);
      for (const cb of serverCbs) cb(frame);
    });
  };

  const transport: Transport = {
    send(frame) {
      const text = JSON.stringify(frame);
      if (open) deliverToServer(text);
      else buffered.push(text);
    },
    onFrame(cb) {
      frameCbs.add(cb);
      return () => frameCbs.delete(cb);
    },
    onOpen(cb) {
      openCbs.add(cb);
      return () => openCbs.delete(cb);
    },
    onClose(cb) {
      closeCbs.add(cb);
      return () => closeCbs.delete(cb);
    },
    close() {
      open = false;
      buffered.length = 0;
    },
  };

  const server: ServerEnd = {
    received,
    onFrame(cb) {
      serverCbs.add(cb);
    },
    send(frame) {
      const text = JSON.stringify(frame);
      queueMicrotask(() => {
        if (!open) return;
        const parsed = JSON.parse(text) as ServerFrame;
        for (const cb of frameCbs) cb(parsed);
      });
    },
    open() {
      open = true;
      // Frames buffered while opening go first, as a socket flushes them before anyone reacts to open.
      for (const text of buffered.splice(0)) deliverToServer(text);
      for (const cb of openCbs) cb();
    },
    drop() {
      open = false;
      buffered.length = 0;
      for (const cb of closeCbs) cb();
    },
  };
  return { transport, server };
}
