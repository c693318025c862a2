import dbus from 'dbus-next';
import type { Logger } from '../../../shared/adapter/contract.ts';
import { asBoolean, asByteMap, asNumber, asString, asStringArray } from './variants.ts';

const BLUEZ = 'org.bluez';
const ADAPTER1 = 'org.bluez.Adapter1';
const DEVICE1 = 'org.bluez.Device1';
const PROPS = 'org.freedesktop.DBus.Properties';
const OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager';

export interface BleAdapterInfo {
  path: string;
  name: string;
  address: string | null;
  powered: boolean;
  discovering: boolean;
}

export interface BleDeviceSnapshot {
  path: string;
  adapter: string;
  mac: string;
  name: string | null;
  rssi: number | null;
  serviceData: Map<string, Uint8Array>;
  manufacturerData: Map<number, Uint8Array>;
  uuids: string[];
  connected: boolean;
}

export interface WatcherEvents {
  /** org.bluez appeared (true) or left the bus (false) */
  bluez(up: boolean): void;
  adapterChanged(adapter: BleAdapterInfo | null, path: string): void;
  /** a device object changed; `advert` = the change carried RSSI or advertisement data */
  device(device: BleDeviceSnapshot, changed: ReadonlySet<string>): void;
  deviceRemoved(device: BleDeviceSnapshot): void;
  /** a message that was not the shape BlueZ sends */
  malformed(what: string): void;
  /** the D-Bus connection itself failed or closed (the daemon went away) */
  disconnected(reason: string): void;
}

type Props = Record<string, unknown>;

/**
 * Watches BlueZ over D-Bus the way a sensor gateway needs: ObjectManager for adapters and devices,
 * one match rule for every device's PropertiesChanged (each advertisement with DuplicateData on),
 * and org.bluez's name owner so a bluetoothd restart is noticed. node-ble exposes none of this.
 */
export class BluezWatcher {
  readonly bus: dbus.MessageBus;
  readonly #events: WatcherEvents;
  readonly #log: Logger;
  #owner: string | null = null;
  readonly adapters = new Map<string, BleAdapterInfo>();
  readonly devices = new Map<string, BleDeviceSnapshot>();
  #closed = false;

  constructor(opts: { busAddress: string | null; events: WatcherEvents; log: Logger }) {
    this.bus = opts.busAddress ? dbus.sessionBus({ busAddress: opts.busAddress }) : dbus.systemBus();
    this.#events = opts.events;
    this.#log = opts.log;
    this.bus.on('message', (msg: dbus.Message) => this.#onMessage(msg));
    this.bus.on('error', (err: unknown) => this.#failed(err));
  }

  #failPending: ((err: Error) => void) | null = null;

  #failed(err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    if (this.#failPending) this.#failPending(new Error(reason));
    else if (!this.#closed) {
      this.#closed = true;
      this.#owner = null;
      this.#events.disconnected(reason);
    }
  }

  get bluezUp(): boolean {
    return this.#owner !== null;
  }

  async call(
    path: string,
    iface: string,
    member: string,
    signature = '',
    body: unknown[] = [],
  ): Promise<unknown[]> {
    const reply = await this.bus.call(
      new dbus.Message({ destination: BLUEZ, path, interface: iface, member, signature, body }),
    );
    return (reply?.body ?? []) as unknown[];
  }

  async #busCall(member: string, signature: string, body: unknown[]): Promise<unknown[]> {
    const reply = await this.bus.call(
      new dbus.Message({
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member,
        signature,
        body,
      }),
    );
    return (reply?.body ?? []) as unknown[];
  }

  /** Connects and lists what BlueZ has; rejects when the bus cannot be reached within `timeoutMs`. */
  async start(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_, reject) => {
      this.#failPending = reject;
      timer = setTimeout(() => reject(new Error(`no answer from D-Bus within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.#start(), failure]);
    } finally {
      clearTimeout(timer);
      this.#failPending = null;
    }
  }

  async #start(): Promise<void> {
    for (const rule of [
      `type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${BLUEZ}'`,
      `type='signal',sender='${BLUEZ}',interface='${PROPS}',member='PropertiesChanged'`,
      `type='signal',sender='${BLUEZ}',interface='${OBJECT_MANAGER}'`,
    ])
      await this.#busCall('AddMatch', 's', [rule]);
    const [has] = await this.#busCall('NameHasOwner', 's', [BLUEZ]);
    if (has === true) {
      const [owner] = await this.#busCall('GetNameOwner', 's', [BLUEZ]);
      await this.#bluezAppeared(String(owner));
    } else this.#log.warn({}, 'BlueZ (org.bluez) is not on the bus: waiting for it');
  }

  stop(): void {
    this.#closed = true;
    try {
      this.bus.disconnect();
    } catch {
      // already closed
    }
  }

  async #bluezAppeared(owner: string): Promise<void> {
    this.#owner = owner;
    this.adapters.clear();
    this.devices.clear();
    try {
      const [objects] = await this.call('/', OBJECT_MANAGER, 'GetManagedObjects');
      for (const [path, ifaces] of Object.entries((objects ?? {}) as Record<string, Record<string, Props>>))
        this.#interfacesAdded(path, ifaces, false);
    } catch (err) {
      this.#log.warn({ err }, 'BlueZ object listing failed');
    }
    this.#events.bluez(true);
  }

  #onMessage(msg: dbus.Message): void {
    if (this.#closed || msg.type !== dbus.MessageType.SIGNAL) return;
    try {
      if (msg.interface === 'org.freedesktop.DBus' && msg.member === 'NameOwnerChanged') {
        const [name, , newOwner] = msg.body as [string, string, string];
        if (name !== BLUEZ) return;
        if (newOwner) void this.#bluezAppeared(newOwner);
        else {
          this.#owner = null;
          this.adapters.clear();
          this.devices.clear();
          this.#events.bluez(false);
        }
        return;
      }
      if (msg.sender !== this.#owner) return;
      if (msg.interface === PROPS && msg.member === 'PropertiesChanged') {
        const [iface, changed] = msg.body as [string, Props];
        if (typeof iface !== 'string' || !changed || typeof changed !== 'object')
          return this.#events.malformed('PropertiesChanged');
        if (iface === DEVICE1) this.#deviceChanged(msg.path, changed);
        else if (iface === ADAPTER1) this.#adapterChanged(msg.path, changed);
      } else if (msg.interface === OBJECT_MANAGER && msg.member === 'InterfacesAdded') {
        const [path, ifaces] = msg.body as [string, Record<string, Props>];
        this.#interfacesAdded(path, ifaces, true);
      } else if (msg.interface === OBJECT_MANAGER && msg.member === 'InterfacesRemoved') {
        const [path, ifaces] = msg.body as [string, string[]];
        if (!Array.isArray(ifaces)) return;
        const gone = this.devices.get(path);
        if (ifaces.includes(DEVICE1) && gone) {
          this.devices.delete(path);
          this.#events.deviceRemoved(gone);
        }
        if (ifaces.includes(ADAPTER1) && this.adapters.delete(path)) {
          for (const [p, d] of this.devices)
            if (p.startsWith(`${path}/`)) {
              this.devices.delete(p);
              this.#events.deviceRemoved(d);
            }
          this.#events.adapterChanged(null, path);
        }
      }
    } catch (err) {
      this.#log.warn({ err, member: msg.member }, 'BlueZ signal could not be handled');
      this.#events.malformed(msg.member ?? 'signal');
    }
  }

  #interfacesAdded(path: string, ifaces: Record<string, Props> | undefined, notify: boolean): void {
    if (!ifaces || typeof ifaces !== 'object') return;
    const a = ifaces[ADAPTER1];
    if (a) {
      const info: BleAdapterInfo = {
        path,
        name: path.split('/').pop() ?? path,
        address: asString(a.Address),
        powered: asBoolean(a.Powered) ?? false,
        discovering: asBoolean(a.Discovering) ?? false,
      };
      this.adapters.set(path, info);
      this.#events.adapterChanged(info, path);
    }
    const d = ifaces[DEVICE1];
    if (d) {
      const mac = asString(d.Address);
      if (!mac) return this.#events.malformed('Device1 without Address');
      const snap: BleDeviceSnapshot = {
        path,
        adapter: path.split('/')[3] ?? '',
        mac: mac.toUpperCase(),
        name: asString(d.Name) ?? asString(d.Alias),
        rssi: null,
        serviceData: new Map(),
        manufacturerData: new Map(),
        uuids: [],
        connected: false,
      };
      this.devices.set(path, snap);
      this.#deviceChanged(path, d, notify);
    }
  }

  #adapterChanged(path: string, changed: Props): void {
    const info = this.adapters.get(path);
    if (!info) return;
    const powered = asBoolean(changed.Powered);
    const discovering = asBoolean(changed.Discovering);
    if (powered !== null) info.powered = powered;
    if (discovering !== null) info.discovering = discovering;
    this.#events.adapterChanged(info, path);
  }

  #deviceChanged(path: string, changed: Props, notify = true): void {
    const d = this.devices.get(path);
    if (!d) return;
    const keys = new Set<string>();
    if ('RSSI' in changed) {
      const rssi = asNumber(changed.RSSI);
      if (rssi === null || rssi < -127 || rssi > 20) this.#events.malformed('RSSI');
      else {
        d.rssi = rssi;
        keys.add('RSSI');
      }
    }
    if ('ServiceData' in changed) {
      const sd = asByteMap(changed.ServiceData);
      if (sd) {
        d.serviceData = sd;
        keys.add('ServiceData');
      } else this.#events.malformed('ServiceData');
    }
    if ('ManufacturerData' in changed) {
      const md = asByteMap(changed.ManufacturerData);
      if (md) {
        d.manufacturerData = new Map([...md].map(([k, v]) => [Number(k), v]));
        keys.add('ManufacturerData');
      } else this.#events.malformed('ManufacturerData');
    }
    const name = asString(changed.Name) ?? asString(changed.Alias);
    if (name !== null) d.name = name;
    const uuids = asStringArray(changed.UUIDs);
    if (uuids) d.uuids = uuids.map((u) => u.toLowerCase());
    const connected = asBoolean(changed.Connected);
    if (connected !== null) {
      d.connected = connected;
      keys.add('Connected');
    }
    if (asBoolean(changed.ServicesResolved) === true) keys.add('ServicesResolved');
    if (notify || keys.size > 0) this.#events.device(d, keys);
  }
}
