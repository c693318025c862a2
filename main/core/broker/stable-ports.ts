import { createServer } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonStateFile, writePrivateFileAtomic } from '../storage/private-files.ts';

export const PORTS_FILE = 'broker-ports.json';

const Saved = z.object({
  plain: z.number().int().min(1).max(65535).optional(),
  tls: z.number().int().min(1).max(65535).optional(),
});
type Saved = z.infer<typeof Saved>;
export type Listener = keyof Saved;

/**
 * Ports the broker picked itself (config 0, or TLS beside a non-standard plain port) are told to
 * devices at adoption, so they must not change on the next start: the first pick is kept in the
 * data folder and asked for again. If another program took it meanwhile a free one is used and
 * the caller reports the change (those devices need the new port).
 */
export class StablePorts {
  readonly #file: string;
  readonly #saved: Saved;

  constructor(dataDir: string) {
    this.#file = join(dataDir, PORTS_FILE);
    this.#saved = readJsonStateFile(this.#file, (v) => Saved.parse(v)) ?? {};
  }

  /** the port to ask for: the configured one, else the remembered one if it is still free, else 0 */
  async choose(
    listener: Listener,
    configured: number,
    host: string,
  ): Promise<{ port: number; lost: number | null }> {
    if (configured !== 0) return { port: configured, lost: null };
    const kept = this.#saved[listener];
    if (kept === undefined) return { port: 0, lost: null };
    return (await isFree(host, kept)) ? { port: kept, lost: null } : { port: 0, lost: kept };
  }

  remember(listener: Listener, port: number): void {
    if (this.#saved[listener] === port) return;
    this.#saved[listener] = port;
    writePrivateFileAtomic(this.#file, JSON.stringify(this.#saved));
  }
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host || '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
