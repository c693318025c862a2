import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const AdoptedDevice = z.object({
  mac: z.string(),
  name: z.string(),
  /** 'gatt' for connected devices, else the advertisement format */
  format: z.string(),
  encrypted: z.boolean(),
});
export type AdoptedDevice = z.infer<typeof AdoptedDevice>;

const File = z.object({ devices: z.array(AdoptedDevice), banned: z.array(z.string()) });

/**
 * The devices the installer adopted (only these are ever recorded) and the banned ones, in the
 * adapter's data folder. Bindkeys are not here: they live in the core's encrypted secret store.
 */
export class AdoptedStore {
  readonly #file: string;
  readonly devices = new Map<string, AdoptedDevice>();
  readonly banned = new Set<string>();

  constructor(dataDir: string) {
    this.#file = join(dataDir, 'adopted.json');
    if (existsSync(this.#file)) {
      const parsed = File.safeParse(JSON.parse(readFileSync(this.#file, 'utf8')));
      if (parsed.success) {
        for (const d of parsed.data.devices) this.devices.set(d.mac, d);
        for (const b of parsed.data.banned) this.banned.add(b);
      }
    }
  }

  save(): void {
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ devices: [...this.devices.values()], banned: [...this.banned] }), {
      mode: 0o600,
    });
    renameSync(tmp, this.#file);
  }
}
