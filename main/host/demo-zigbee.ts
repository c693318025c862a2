import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  contactSensor,
  demoDevices,
  dimmableLight,
  meteringPlug,
  radiatorValve,
  temperatureHumiditySensor,
  type DeviceSpec,
} from '../../adapters/sim/zigbee/devices.ts';
import { ZnpEmulator, type NvSnapshot } from '../../adapters/sim/zigbee/znp-emulator.ts';
import type { Config } from '../core/config/config-schema.ts';
import type { Core } from '../core/core.ts';
import type { CoreLogger } from '../core/log/logger.ts';

const PLACES: Record<string, { name: string; room: string }> = {
  [temperatureHumiditySensor().ieee]: { name: 'Office climate sensor', room: 'Office' },
  [contactSensor().ieee]: { name: 'Kitchen window', room: 'Kitchen' },
  [meteringPlug().ieee]: { name: 'Kettle plug', room: 'Kitchen' },
  [dimmableLight().ieee]: { name: 'Meeting room lamp', room: 'Meeting room' },
  [radiatorValve().ieee]: { name: 'Corridor radiator', room: 'Corridor' },
};

interface Saved {
  nv: NvSnapshot;
  devices: { ieee: string; nwk: number }[];
}

/**
 * Zigbee devices for the demo: a Z-Stack coordinator emulator on a free loopback port that the
 * Zigbee adapter is pointed at, exactly as at a ser2net coordinator. The coordinator's NV and
 * which devices sit on its network are kept in the data folder, so a restart resumes the network.
 */
export class DemoZigbee {
  readonly emulator: ZnpEmulator;
  /** settles when the demo devices are commissioned (or commissioning gave up) */
  commissioned: Promise<void> = Promise.resolve();
  readonly #file: string;
  readonly #log: CoreLogger;
  #timer: NodeJS.Timeout | null = null;
  #n = 0;
  #stopped = false;

  private constructor(emulator: ZnpEmulator, file: string, log: CoreLogger) {
    this.emulator = emulator;
    this.#file = file;
    this.#log = log;
  }

  static async start(config: Config, log: CoreLogger): Promise<DemoZigbee | null> {
    if ('zigbee' in config.adapters) return null;
    const dir = join(config.dataDir, 'demo');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'zigbee-coordinator.json');
    let saved: Saved | null = null;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Saved;
    } catch {
      saved = null;
    }
    let demo: DemoZigbee | null = null;
    const emulator = new ZnpEmulator({
      ...(saved ? { nv: saved.nv } : {}),
      onNvChange: () => demo?.save(),
    });
    demo = new DemoZigbee(emulator, file, log);
    const specs = new Map(demoDevices().map((d) => [d.ieee, d]));
    for (const d of saved?.devices ?? []) {
      const spec = specs.get(d.ieee);
      if (spec) emulator.attach(spec, d.nwk);
    }
    await emulator.listen(0);
    log.info({ url: emulator.url }, 'demo: Zigbee coordinator emulator listening');
    return demo;
  }

  configure(config: Config): Config {
    return { ...config, adapters: { ...config.adapters, zigbee: { port: this.emulator.url } } };
  }

  /**
   * Waits (bounded) for the coordinator to be up, so the demo is whole when Truss says it is
   * ready; then joins and adopts the devices the site lacks in the background and keeps them
   * reporting.
   */
  async run(core: Core, tickMs: number): Promise<void> {
    this.#timer = setInterval(() => this.#tick(), Math.max(tickMs, 1000));
    this.#timer.unref();
    try {
      await this.#until(() => isUp(core), 20_000);
    } catch (err) {
      this.#log.warn({ err }, 'demo: the Zigbee coordinator is not up yet');
      return;
    }
    this.commissioned = this.#commission(core).catch((err: unknown) =>
      this.#log.warn({ err }, 'demo: Zigbee devices not commissioned'),
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.commissioned;
    this.save();
    await this.emulator.close();
  }

  async #commission(core: Core): Promise<void> {
    const adapters = core.adapters;
    const registry = core.use('registry');
    const missing = demoDevices().filter((d) => !registry.deviceByAddress('zigbee', d.ieee));
    if (missing.length === 0) return;
    await adapters.openCommissioning('zigbee', 60, null);
    const onNetwork = new Set(this.emulator.devices().map((d) => d.ieee));
    for (const d of missing) if (!onNetwork.has(d.ieee)) this.emulator.join(d);
    this.save();
    const candidates = () =>
      adapters.commissioningStatus().find((s) => s.adapter === 'zigbee')?.candidates ?? [];
    await this.#until(
      () => missing.every((d) => candidates().some((c) => c.id === d.ieee && c.status === 'ready')),
      20_000,
    );
    for (const d of missing) await this.#adopt(core, d);
    await adapters.closeCommissioning('zigbee');
  }

  async #adopt(core: Core, d: DeviceSpec): Promise<void> {
    const adapters = core.adapters;
    const registry = core.use('registry');
    try {
      await adapters.adopt('zigbee', d.ieee, undefined);
      const device = registry.deviceByAddress('zigbee', d.ieee);
      const place = PLACES[d.ieee];
      const room = [...registry.zones.values()].find((z) => z.kind === 'room' && z.name === place?.room);
      if (device)
        await registry.updateDevice(device.id, {
          name: place?.name ?? device.name,
          zoneId: room?.id ?? null,
        });
    } catch (err) {
      this.#log.warn({ err, ieee: d.ieee }, 'demo: Zigbee device not adopted');
    }
  }

  /** the sensors drift and the plug's load changes, as in a real building */
  #tick(): void {
    const n = this.#n++;
    const wave = (period: number) => Math.sin((2 * Math.PI * n) / period);
    const on = new Set(this.emulator.devices().map((d) => d.ieee));
    const report = (spec: DeviceSpec, cluster: string, values: Record<string, number>) => {
      if (on.has(spec.ieee)) this.emulator.report(spec.ieee, 1, cluster, values);
    };
    report(temperatureHumiditySensor(), 'msTemperatureMeasurement', {
      measuredValue: Math.round(2150 + 80 * wave(40)),
    });
    report(temperatureHumiditySensor(), 'msRelativeHumidity', {
      measuredValue: Math.round(4500 + 400 * wave(55)),
    });
    report(radiatorValve(), 'hvacThermostat', { localTemp: Math.round(1950 + 60 * wave(70)) });
    const plug = this.emulator.device(meteringPlug().ieee);
    if (plug) {
      const power = plug.values(1, 'genOnOff').onOff ? Math.round(60 + 40 * Math.abs(wave(20))) : 0;
      const energy = Number(plug.values(1, 'seMetering').currentSummDelivered ?? 0) + power;
      report(meteringPlug(), 'haElectricalMeasurement', { activePower: power });
      report(meteringPlug(), 'seMetering', { currentSummDelivered: energy });
    }
    if (n % 30 === 29) report(contactSensor(), 'genOnOff', { onOff: Math.floor(n / 30) % 2 });
  }

  async #until(pred: () => boolean, timeoutMs: number): Promise<void> {
    const t0 = Date.now();
    while (!pred()) {
      if (this.#stopped) throw new Error('demo stopped');
      if (Date.now() - t0 > timeoutMs) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** persists the coordinator NV and which devices are on its network */
  save(): void {
    const saved: Saved = {
      nv: this.emulator.snapshot(),
      devices: this.emulator.devices().map((d) => ({ ieee: d.ieee, nwk: d.nwk })),
    };
    try {
      writeFileSync(this.#file, JSON.stringify(saved), { mode: 0o600 });
    } catch (err) {
      this.#log.warn({ err }, 'demo: Zigbee coordinator state not saved');
    }
  }
}

function isUp(core: Core): boolean {
  const d = core.adapters.diagnostics().zigbee as { start?: string | null } | undefined;
  return Boolean(d?.start);
}
