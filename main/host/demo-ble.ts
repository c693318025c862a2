import { bleRigAvailability, startBleRig, type BleRig } from '../../adapters/sim/ble/rig.ts';
import type { Config } from '../core/config/config-schema.ts';
import type { Core } from '../core/core.ts';
import type { CoreLogger } from '../core/log/logger.ts';

const BTHOME = '0000fcd2-0000-1000-8000-00805f9b34fb';
const ESS = '0000181a-0000-1000-8000-00805f9b34fb';

interface DemoBleDevice {
  mac: string;
  name: string;
  /** the demo site's room it sits in */
  room: string;
  /** the advertisement for the n-th tick */
  advert(n: number): {
    serviceData?: Record<string, Uint8Array>;
    manufacturerData?: Record<number, Uint8Array>;
  };
}

const le16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const be16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const wave = (n: number, period: number) => Math.sin((2 * Math.PI * n) / period);

/** A few sensors in the formats buildings meet most: BTHome, pvvx custom firmware, Ruuvi. */
const DEVICES: DemoBleDevice[] = [
  {
    mac: 'A4:C1:38:DE:00:01',
    room: 'Meeting room',
    name: 'Meeting room thermometer',
    advert: (n) => ({
      serviceData: {
        [BTHOME]: new Uint8Array([
          0x40,
          0x00,
          n & 0xff,
          0x01,
          88,
          0x02,
          ...le16(Math.round(2150 + 60 * wave(n, 40))),
          0x03,
          ...le16(Math.round(4500 + 300 * wave(n, 55))),
        ]),
      },
    }),
  },
  {
    mac: 'A4:C1:38:DE:00:02',
    room: 'Plant room',
    name: 'Server room thermometer',
    advert: (n) => ({
      serviceData: {
        [ESS]: new Uint8Array([
          0x02,
          0x00,
          0xde,
          0x38,
          0xc1,
          0xa4,
          ...le16(Math.round(2400 + 80 * wave(n, 30))),
          ...le16(3800),
          ...le16(2980),
          76,
          n & 0xff,
          0x04,
        ]),
      },
    }),
  },
  {
    mac: 'A4:C1:38:DE:00:03',
    room: 'Corridor',
    name: 'Back door',
    advert: (n) => ({
      serviceData: {
        [BTHOME]: new Uint8Array([0x40, 0x00, n & 0xff, 0x01, 95, 0x1a, Math.floor(n / 15) % 2]),
      },
    }),
  },
  {
    mac: 'C3:11:5A:DE:00:04',
    room: 'Kitchen',
    name: 'Cold store RuuviTag',
    advert: (n) => ({
      manufacturerData: {
        0x0499: new Uint8Array([
          0x05,
          ...be16(Math.round((4 + 0.5 * wave(n, 50)) / 0.005) & 0xffff),
          ...be16(Math.round(81 / 0.0025)),
          ...be16(101325 - 50000),
          ...be16(0),
          ...be16(0),
          ...be16(1000),
          ...be16(((2900 - 1600) << 5) | 22),
          0,
          ...be16(n & 0xffff),
          0xc3,
          0x11,
          0x5a,
          0xde,
          0x00,
          0x04,
        ]),
      },
    }),
  },
];

/**
 * BLE devices for the demo: a private BlueZ (dbusmock on its own bus) that the BLE adapter is
 * pointed at, a few sensors advertising on it, adopted through the commissioning API as an
 * installer would. Absent when dbus-daemon or python3-dbusmock is missing, and says so.
 */
export class DemoBle {
  readonly #rig: BleRig;
  readonly #paths = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #n = 0;

  private constructor(rig: BleRig) {
    this.#rig = rig;
  }

  static async start(log: CoreLogger): Promise<DemoBle | null> {
    const available = bleRigAvailability();
    if (!available.ok) {
      log.info({ reason: available.reason }, 'demo: no BLE devices (the BLE test rig is not installed)');
      return null;
    }
    try {
      const rig = await startBleRig();
      const demo = new DemoBle(rig);
      await rig.addAdapter('hci0', 'Truss demo controller');
      for (const d of DEVICES) demo.#paths.set(d.mac, await rig.addDevice('hci0', d.mac, d.name));
      log.info({ devices: DEVICES.length }, 'demo: BLE devices advertising on a private BlueZ');
      return demo;
    } catch (err) {
      log.warn({ err }, 'demo: the BLE rig did not start; continuing without BLE devices');
      return null;
    }
  }

  /** The configuration with the BLE adapter pointed at the demo's bus (unless one is configured). */
  configure(config: Config): Config {
    if ('ble' in config.adapters) return config;
    return { ...config, adapters: { ...config.adapters, ble: { busAddress: this.#rig.busAddress } } };
  }

  async #advertiseAll(): Promise<void> {
    const n = this.#n++;
    for (const d of DEVICES) {
      const path = this.#paths.get(d.mac);
      if (path)
        await this.#rig.advertise(path, { rssi: -55 - ((n * 7 + d.mac.length) % 20), ...d.advert(n) });
    }
  }

  /** Adopts the sensors the site does not have yet, then keeps them advertising every `tickMs`. */
  async run(core: Core, tickMs: number): Promise<void> {
    const adapters = core.adapters;
    const registry = core.use('registry');
    const missing = DEVICES.filter((d) => !registry.deviceByAddress('ble', d.mac));
    if (missing.length > 0) {
      await adapters.openCommissioning('ble', 30, null);
      for (let i = 0; i < 40; i++) {
        await this.#advertiseAll();
        const ids = new Set(
          adapters
            .commissioningStatus()
            .find((s) => s.adapter === 'ble')
            ?.candidates.map((c) => c.id),
        );
        if (missing.every((d) => ids.has(d.mac))) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      for (const d of missing) {
        try {
          await adapters.adopt('ble', d.mac, undefined);
          const device = registry.deviceByAddress('ble', d.mac);
          const room = [...registry.zones.values()].find((z) => z.kind === 'room' && z.name === d.room);
          if (device) await registry.updateDevice(device.id, { name: d.name, zoneId: room?.id ?? null });
        } catch (err) {
          core.log.warn({ err, mac: d.mac }, 'demo: BLE device not adopted');
        }
      }
      await adapters.closeCommissioning('ble');
    }
    this.#timer = setInterval(() => void this.#advertiseAll().catch(() => undefined), tickMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#rig.stop();
  }
}
