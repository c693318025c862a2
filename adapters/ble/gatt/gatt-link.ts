import type { Logger } from '../../../shared/adapter/contract.ts';
import type { Measurement } from '../measurement.ts';
import type { BleAdapterHandle, BleCharacteristic } from './node-ble-facade.ts';
import { GATT_PROFILES } from './profiles.ts';

export interface GattLinkOptions {
  mac: string;
  adapter: () => BleAdapterHandle | null;
  log: Logger;
  onMeasurement(m: Measurement): void;
  onConnected(connected: boolean): void;
  /** first retry delay; doubles up to maxBackoffMs */
  backoffMs: number;
  maxBackoffMs: number;
  /** how long one connect + discovery may take */
  connectTimeoutMs: number;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });

/**
 * One connected GATT peripheral: connect, discover the profiles we know, read them, subscribe to
 * notifications, and reconnect with exponential backoff whenever the link drops or fails.
 */
export class GattLink {
  readonly #o: GattLinkOptions;
  #chars: BleCharacteristic[] = [];
  #timer: NodeJS.Timeout | null = null;
  #attempt = 0;
  #connecting = false;
  #stopped = false;
  connected = false;
  lastError: string | null = null;
  /** the profile characteristics found at the last discovery */
  found: string[] = [];

  constructor(o: GattLinkOptions) {
    this.#o = o;
  }

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#release();
  }

  /** BlueZ said the link went down (or the adapter/BlueZ vanished). */
  linkLost(): void {
    if (this.#stopped) return;
    if (this.connected) this.#o.onConnected(false);
    this.connected = false;
    this.#release();
    if (!this.#connecting) this.#schedule(this.#delay());
  }

  /** try now (BlueZ or the adapter came back) instead of waiting out the backoff */
  retryNow(): void {
    if (this.#stopped || this.connected || this.#connecting) return;
    this.#attempt = 0;
    this.#schedule(0);
  }

  #delay(): number {
    return Math.min(this.#o.maxBackoffMs, this.#o.backoffMs * 2 ** Math.min(this.#attempt, 16));
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), ms);
  }

  #release(): void {
    for (const c of this.#chars) c.removeAllListeners('valuechanged');
    this.#chars = [];
  }

  async #connect(): Promise<void> {
    if (this.#stopped || this.#connecting || this.connected) return;
    this.#connecting = true;
    try {
      const adapter = this.#o.adapter();
      if (!adapter) throw new Error('no Bluetooth adapter');
      await withTimeout(this.#session(adapter), this.#o.connectTimeoutMs, 'GATT connect');
      this.#attempt = 0;
      this.lastError = null;
      this.connected = true;
      this.#o.onConnected(true);
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.#o.log.debug(
        { mac: this.#o.mac, err: this.lastError, attempt: this.#attempt },
        'GATT connect failed',
      );
      this.#release();
      this.#attempt++;
      this.#schedule(this.#delay());
    } finally {
      this.#connecting = false;
    }
  }

  async #session(adapter: BleAdapterHandle): Promise<void> {
    const device = await adapter.getDevice(this.#o.mac);
    if (!(await device.isConnected())) await device.connect();
    const gatt = await device.gatt();
    const services = new Set(await gatt.services());
    const found: string[] = [];
    for (const p of GATT_PROFILES) {
      if (!services.has(p.service)) continue;
      const service = await gatt.getPrimaryService(p.service);
      if (!(await service.characteristics()).includes(p.characteristic)) continue;
      const char = await service.getCharacteristic(p.characteristic);
      found.push(p.characteristic);
      const flags = await char.getFlags();
      if (flags.includes('read')) {
        const m = p.decode(new Uint8Array(await char.readValue()));
        if (m) this.#o.onMeasurement(m);
      }
      if (flags.includes('notify') || flags.includes('indicate')) {
        char.on('valuechanged', (buf) => {
          const m = p.decode(new Uint8Array(buf));
          if (m) this.#o.onMeasurement(m);
          else this.#o.log.debug({ mac: this.#o.mac }, 'malformed GATT notification ignored');
        });
        await char.startNotifications();
      }
      this.#chars.push(char);
    }
    if (found.length === 0) throw new Error('the device offers neither Environmental Sensing nor Battery');
    this.found = found;
  }

  /** write to a characteristic of the device (used for writable profiles and tests) */
  async write(characteristic: string, value: Uint8Array): Promise<void> {
    const adapter = this.#o.adapter();
    if (!adapter || !this.connected) throw new Error('the device is not connected');
    const gatt = await (await adapter.getDevice(this.#o.mac)).gatt();
    for (const uuid of await gatt.services()) {
      const service = await gatt.getPrimaryService(uuid);
      if ((await service.characteristics()).includes(characteristic)) {
        await (await service.getCharacteristic(characteristic)).writeValueWithResponse(Buffer.from(value));
        return;
      }
    }
    throw new Error(`no characteristic ${characteristic}`);
  }
}
