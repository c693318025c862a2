import dbus from 'dbus-next';

const MONITOR_IFACE = 'org.bluez.AdvertisementMonitor1';
const MANAGER_IFACE = 'org.bluez.AdvertisementMonitorManager1';
const ROOT = '/org/truss/ble/monitor';
const MONITOR_PATH = `${ROOT}/0`;

/** AD type 0x16 (Service Data, 16-bit UUID) / 0xFF (Manufacturer Specific) prefixes of the formats we decode. */
const PATTERNS: [number, number, Buffer][] = [
  [0, 0x16, Buffer.from([0xd2, 0xfc])], // BTHome v2
  [0, 0x16, Buffer.from([0x95, 0xfe])], // Xiaomi MiBeacon
  [0, 0x16, Buffer.from([0x1a, 0x18])], // pvvx / ATC (Environmental Sensing)
  [0, 0xff, Buffer.from([0x99, 0x04])], // Ruuvi
];

class Monitor extends dbus.interface.Interface {
  get Type(): string {
    return 'or_patterns';
  }
  get Patterns(): [number, number, Buffer][] {
    return PATTERNS;
  }
  Release(): void {}
  Activate(): void {}
  DeviceFound(_device: string): void {}
  DeviceLost(_device: string): void {}
}
Monitor.configureMembers({
  properties: {
    Type: { signature: 's', access: dbus.interface.ACCESS_READ },
    Patterns: { signature: 'a(yyay)', access: dbus.interface.ACCESS_READ },
  },
  methods: {
    Release: { inSignature: '', outSignature: '' },
    Activate: { inSignature: '', outSignature: '' },
    DeviceFound: { inSignature: 'o', outSignature: '' },
    DeviceLost: { inSignature: 'o', outSignature: '' },
  },
});

class MonitorRoot extends dbus.interface.Interface {
  GetManagedObjects(): Record<string, Record<string, Record<string, dbus.Variant>>> {
    return {
      [MONITOR_PATH]: {
        [MONITOR_IFACE]: {
          Type: new dbus.Variant('s', 'or_patterns'),
          Patterns: new dbus.Variant('a(yyay)', PATTERNS),
        },
      },
    };
  }
}
MonitorRoot.configureMembers({
  methods: { GetManagedObjects: { inSignature: '', outSignature: 'a{oa{sa{sv}}}' } },
});

/**
 * Passive scanning: instead of StartDiscovery (scan requests, more radio time, more battery drain
 * for the sensors), register an advertisement monitor for the formats we decode. BlueZ then scans
 * passively and reports matching devices through the usual Device1 properties. Needs BlueZ 5.56+
 * with experimental features on (`bluetoothd -E`) on real systems.
 */
export class PassiveMonitor {
  readonly #bus: dbus.MessageBus;
  #exported = false;
  #registeredOn: string | null = null;

  constructor(bus: dbus.MessageBus) {
    this.#bus = bus;
  }

  async register(adapterPath: string): Promise<void> {
    // adapter events come in bursts: one registration per adapter, even when asked concurrently
    if (this.#registeredOn === adapterPath) return;
    this.#registeredOn = adapterPath;
    if (!this.#exported) {
      this.#bus.export(ROOT, new MonitorRoot('org.freedesktop.DBus.ObjectManager'));
      this.#bus.export(MONITOR_PATH, new Monitor(MONITOR_IFACE));
      this.#exported = true;
    }
    try {
      await this.#bus.call(
        new dbus.Message({
          destination: 'org.bluez',
          path: adapterPath,
          interface: MANAGER_IFACE,
          member: 'RegisterMonitor',
          signature: 'o',
          body: [ROOT],
        }),
      );
    } catch (err) {
      if (this.#registeredOn === adapterPath) this.#registeredOn = null;
      throw err;
    }
  }

  /** BlueZ forgot it (restart, adapter gone): register again when asked. */
  forget(): void {
    this.#registeredOn = null;
  }
}
