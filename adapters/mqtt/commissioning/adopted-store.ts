import { z } from 'zod';
import type { AdapterFiles } from '../../../shared/adapter/contract.ts';
import type { Frame } from './announced-acl.ts';

const StoredFrame = z.object({ topic: z.string().max(256), payload: z.string().max(200_000) });
const AdoptedDevice = z.object({
  address: z.string(),
  family: z.enum(['tasmota', 'shelly', 'ha', 'zigbee2mqtt']),
  username: z.string(),
  /** the discovery configs it announced (base64 payloads), replayed at start */
  configs: z.array(StoredFrame).max(256),
});
export type AdoptedDevice = z.infer<typeof AdoptedDevice>;

const File = z.object({ version: z.literal(1), devices: z.array(AdoptedDevice) });
const FILE = 'adopted.json';
export const MAX_STORED_CONFIGS = 256;

/**
 * The Wi-Fi devices adopted on this site: which broker login is whose, and the discovery configs
 * each announced. A device that does not announce again after a restart (an ESPHome node keeps
 * its retained config only if it set retain) still has its entities, because Truss replays what
 * it kept here, as Home Assistant keeps its config entries.
 */
export class AdoptedStore {
  readonly #files: AdapterFiles;
  readonly #byAddress = new Map<string, AdoptedDevice>();

  /** a damaged file throws StateFileDamaged naming it: never read as "nothing adopted" */
  constructor(files: AdapterFiles) {
    this.#files = files;
    const saved = files.readJson(FILE, (v) => File.parse(v));
    for (const d of saved?.devices ?? []) this.#byAddress.set(d.address, d);
  }

  get(address: string): AdoptedDevice | undefined {
    return this.#byAddress.get(address);
  }

  byUsername(username: string): AdoptedDevice[] {
    return [...this.#byAddress.values()].filter((d) => d.username === username);
  }

  all(): AdoptedDevice[] {
    return [...this.#byAddress.values()];
  }

  put(d: AdoptedDevice): void {
    this.#byAddress.set(d.address, d);
    this.#save();
  }

  /** keeps the latest config per topic; an empty payload removes it (HA's removal) */
  noteConfig(d: AdoptedDevice, frame: Frame): void {
    const configs = d.configs.filter((c) => c.topic !== frame.topic);
    if (frame.payload.length > 0) {
      if (configs.length >= MAX_STORED_CONFIGS) return;
      configs.push({ topic: frame.topic, payload: Buffer.from(frame.payload).toString('base64') });
    }
    d.configs = configs;
    this.#save();
  }

  delete(address: string): void {
    if (this.#byAddress.delete(address)) this.#save();
  }

  #save(): void {
    this.#files.write(FILE, JSON.stringify({ version: 1, devices: [...this.#byAddress.values()] }));
  }
}

export function framesOf(d: AdoptedDevice): Frame[] {
  return d.configs.map((c) => ({
    topic: c.topic,
    payload: new Uint8Array(Buffer.from(c.payload, 'base64')),
  }));
}
