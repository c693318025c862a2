/**
 * Zigbee: start-up to "all devices available" with 200 emulated devices, and report -> state
 * latency at 100 reports/s, for Truss's Zigbee adapter (herdsman + converters + entity mapping)
 * beside herdsman alone on the same network and database (the floor).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, setLogger } from 'zigbee-herdsman';
import type { AdapterContext, AdapterSink, Logger } from '../../shared/adapter/contract.ts';
import { ZigbeeAdapter } from '../../adapters/zigbee/adapter.ts';
import { ZigbeeAdapterConfig } from '../../adapters/zigbee/manifest.ts';
import {
  dimmableLight,
  temperatureHumiditySensor,
  type DeviceSpec,
} from '../../adapters/sim/zigbee/devices.ts';
import { ZnpEmulator } from '../../adapters/sim/zigbee/znp-emulator.ts';
import { percentile, type BenchFigure, type BenchReport } from './bench-kit.ts';
import { adapterFiles } from '../../main/core/storage/private-files.ts';

const DEVICES = 200;
const RATE = 100;
const REPORT_SECONDS = 5;

const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quiet,
};

function fleet(): DeviceSpec[] {
  return Array.from({ length: DEVICES }, (_, i) =>
    i % 2 === 0 ? temperatureHumiditySensor(i + 1) : dimmableLight(i + 1),
  );
}

class Sink implements AdapterSink {
  announced = new Set<string>();
  onState: ((address: string, key: string, value: unknown) => void) | null = null;
  deviceAnnounced(d: { address: string }) {
    this.announced.add(d.address);
  }
  stateChanged(address: string, key: string, s: { value: unknown }) {
    this.onState?.(address, key, s.value);
  }
  availabilityChanged() {}
  deviceRemoved() {}
  candidateChanged() {}
  candidateRemoved() {}
}

function secrets() {
  const m = new Map<string, string>();
  return {
    get: async (k: string) => m.get(k) ?? null,
    set: async (k: string, v: string) => void m.set(k, v),
    delete: async (k: string) => void m.delete(k),
  };
}

async function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!pred()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** reports at RATE/s from the sensors; latency = emit -> `seen` called with that value */
async function reportLatencies(
  emu: ZnpEmulator,
  sensors: DeviceSpec[],
  arm: (seen: (ieee: string, value: number) => void) => void,
): Promise<number[]> {
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  arm((ieee, value) => {
    const key = `${ieee}/${value}`;
    const t0 = pending.get(key);
    if (t0 !== undefined) {
      latencies.push(performance.now() - t0);
      pending.delete(key);
    }
  });
  const total = RATE * REPORT_SECONDS;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const spec = sensors[i % sensors.length]!;
    const raw = 1000 + i; // unique per report, so each one is matched to its own arrival
    pending.set(`${spec.ieee}/${raw / 100}`, performance.now());
    emu.report(spec.ieee, 1, 'msTemperatureMeasurement', { measuredValue: raw });
  }
  await waitFor(() => pending.size === 0, 10_000, 'all reports delivered').catch(() => undefined);
  return latencies;
}

export async function run(): Promise<BenchReport> {
  setLogger({ debug() {}, info() {}, warning() {}, error() {} } as never);
  const root = mkdtempSync(join(tmpdir(), 'truss-bench-zb-'));
  const seed = join(root, 'seed');
  const devices = fleet();
  const sensors = devices.filter((d) => d.modelId === 'lumi.weather');
  const store = secrets();
  const emu = new ZnpEmulator();
  await emu.listen();
  const notes: string[] = [];
  try {
    // Commission the 200 devices once, through the adapter (interview, definition, configure).
    const mkAdapter = (dir: string, sink: Sink) => {
      const ctx: AdapterContext = {
        log: quiet,
        sink,
        now: () => Date.now(),
        dataDir: dir,
        files: adapterFiles(dir),
        secrets: store,
      };
      return new ZigbeeAdapter(ctx, ZigbeeAdapterConfig.parse({ port: emu.url }));
    };
    const t0 = performance.now();
    const prepSink = new Sink();
    const prep = mkAdapter(seed, prepSink);
    await prep.start();
    await prep.ready(30_000);
    await prep.commissioning.open(254);
    for (const d of devices) emu.join(d);
    await waitFor(
      () => prep.commissioning.candidates().filter((c) => c.status === 'ready').length === DEVICES,
      600_000,
      'interviews',
    );
    for (const d of devices) await prep.commissioning.adopt(d.ieee, {});
    await prep.commissioning.close();
    await prep.stop();
    notes.push(
      `commissioning ${DEVICES} devices (join + interview + adopt): ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Floor: herdsman alone on a copy of the same database.
    const floorDir = join(root, 'floor');
    cpSync(seed, floorDir, { recursive: true });
    const keys = JSON.parse((await store.get('network'))!) as {
      panId: number;
      extendedPanId: number[];
      networkKey: number[];
    };
    const f0 = performance.now();
    const controller = new Controller({
      network: {
        panID: keys.panId,
        extendedPanID: keys.extendedPanId,
        networkKey: keys.networkKey,
        channelList: [15],
      },
      serialPort: { path: emu.url, adapter: 'zstack' },
      databasePath: join(floorDir, 'database.db'),
      databaseBackupPath: join(floorDir, 'database.db.backup'),
      backupPath: join(floorDir, 'coordinator_backup.json'),
      adapter: { disableLED: false },
      acceptJoiningDeviceHandler: async () => true,
    });
    await controller.start();
    const floorStart = performance.now() - f0;
    const floorDevices = controller.getDevices().length - 1;
    const floorLat = await reportLatencies(emu, sensors, (seen) =>
      controller.on('message', (m) => {
        const v = (m.data as { measuredValue?: number }).measuredValue;
        if (m.type === 'attributeReport' && typeof v === 'number') seen(m.device.ieeeAddr, v / 100);
      }),
    );
    await controller.stop();

    // Truss: the adapter on another copy; available = every adopted device announced.
    const trussDir = join(root, 'truss');
    cpSync(seed, trussDir, { recursive: true });
    const sink = new Sink();
    const a0 = performance.now();
    const adapter = mkAdapter(trussDir, sink);
    await adapter.start();
    await waitFor(() => sink.announced.size === DEVICES, 60_000, 'all announced');
    const trussStart = performance.now() - a0;
    const trussLat = await reportLatencies(emu, sensors, (seen) => {
      sink.onState = (address, key, value) => {
        if (key === 'temperature' && typeof value === 'number') seen(address, value);
      };
    });
    await adapter.stop();

    notes.push(
      `herdsman alone loaded ${floorDevices} devices; reports: ${floorLat.length}/${RATE * REPORT_SECONDS} floor, ${trussLat.length}/${RATE * REPORT_SECONDS} Truss`,
    );
    notes.push(
      'floor = herdsman Controller.start() resolved with its database loaded; Truss = every device resolved to a definition and announced with its entities',
    );
    const within = (ours: number, floor: number) => ours <= floor * 1.2 || ours - floor < 1;
    const figures: BenchFigure[] = [
      {
        label: `start-up to all ${DEVICES} devices available`,
        unit: 'ms',
        value: trussStart,
        baseline: floorStart,
        higherIsBetter: false,
        target: { description: '< 20% over herdsman', met: within(trussStart, floorStart) },
      },
      {
        label: `report -> state p50 @ ${RATE}/s`,
        unit: 'ms',
        value: percentile(trussLat, 50),
        baseline: percentile(floorLat, 50),
        higherIsBetter: false,
        target: {
          description: '< 20% over herdsman (or < 1 ms)',
          met: within(percentile(trussLat, 50), percentile(floorLat, 50)),
        },
      },
      {
        label: `report -> state p99 @ ${RATE}/s`,
        unit: 'ms',
        value: percentile(trussLat, 99),
        baseline: percentile(floorLat, 99),
        higherIsBetter: false,
        target: {
          description: '< 20% over herdsman (or < 1 ms)',
          met: within(percentile(trussLat, 99), percentile(floorLat, 99)),
        },
      },
    ];
    return {
      name: 'Zigbee (adapters/zigbee over the ZNP emulator)',
      baselineName: 'herdsman alone',
      figures,
      notes,
    };
  } finally {
    await emu.close();
    rmSync(root, { recursive: true, force: true });
  }
}
