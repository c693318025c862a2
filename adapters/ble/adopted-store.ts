import { z } from 'zod';
import type { AdapterFiles } from '../../shared/adapter/contract.ts';

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
  readonly #files: AdapterFiles;
  readonly devices = new Map<string, AdoptedDevice>();
  readonly banned = new Set<string>();

  /** A damaged file throws StateFileDamaged naming it (never read as "no devices", which would lose them). */
  constructor(files: AdapterFiles) {
    this.#files = files;
    const saved = files.readJson('adopted.json', (v) => File.parse(v));
    for (const d of saved?.devices ?? []) this.devices.set(d.mac, d);
    for (const b of saved?.banned ?? []) this.banned.add(b);
  }

  /** atomic and private (the core's file API): a power cut keeps the old or the new list */
  save(): void {
    this.#files.write(
      'adopted.json',
      JSON.stringify({ devices: [...this.devices.values()], banned: [...this.banned] }),
    );
  }
}
