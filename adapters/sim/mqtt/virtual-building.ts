import type { Logger } from '../../../shared/adapter/contract.ts';
import { BuildingModel } from '../building/model.ts';
import { defaultSite } from '../building/site.ts';
import type { BuildingSnapshot } from '../building/snapshot.ts';
import { deviceCatalogue } from './catalogue.ts';
import { SimMqttDevice } from './device.ts';
import type { SimDeviceSpec } from './device.ts';
import { createFirmwareDevices, type SimFirmwareSpec } from './firmware-devices.ts';

export interface VirtualBuildingOptions {
  seed?: number;
  /** ms epoch, injectable clock */
  now?: () => number;
  /** model step + publish cadence, default 2000 */
  tickMs?: number;
  /** default a mid-European city (Frankfurt am Main) */
  site?: { lat: number; lon: number };
  log?: Logger;
}

export interface VirtualBuilding {
  devices(): SimDeviceSpec[];
  /** devices speaking Tasmota / Shelly firmware protocols; connected when `connect` has their credentials */
  firmwareDevices(): SimFirmwareSpec[];
  connect(opts: {
    url: string;
    credentials: Record<string, { username: string; password: string }>;
  }): Promise<void>;
  stop(): Promise<void>;
  step(dtMs: number): void;
  snapshot(): BuildingSnapshot;
  dropDevice(nodeId: string): void;
}

const silentLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLog,
};

export function createVirtualBuilding(opts: VirtualBuildingOptions = {}): VirtualBuilding {
  const now = opts.now ?? Date.now;
  const tickMs = opts.tickMs ?? 2000;
  if (!Number.isFinite(tickMs) || tickMs <= 0) throw new RangeError(`tickMs must be > 0, got ${tickMs}`);
  if (opts.site && !(Math.abs(opts.site.lat) <= 90 && Math.abs(opts.site.lon) <= 180)) {
    throw new RangeError('site: lat must be within ±90 and lon within ±180');
  }
  const log = (opts.log ?? silentLog).child({ component: 'sim' });
  const model = new BuildingModel(defaultSite(opts.site), opts.seed ?? 1, now());
  const snapshot = () => model.snapshot();

  let timer: ReturnType<typeof setInterval> | null = null;
  let lastWallMs = now();
  let running = false;

  const publishAll = () => {
    if (!running) return;
    for (const d of devices) {
      d.publishStates(false).catch((err: Error) =>
        log.warn({ nodeId: d.nodeId, err: err.message }, 'publish failed'),
      );
    }
  };
  const devices = deviceCatalogue(model).map((def) => new SimMqttDevice(def, log, snapshot, publishAll));
  const byId = new Map(devices.map((d) => [d.nodeId, d]));
  const firmware = createFirmwareDevices(log);
  let firmwareConnected: typeof firmware = [];

  const tick = () => {
    const wall = now();
    const dt = wall - lastWallMs;
    lastWallMs = wall;
    // A clock that jumps back (NTP, a test clock) must not run the model backwards.
    if (dt > 0) model.step(dt);
    publishAll();
    for (const f of firmwareConnected)
      f.tick(Math.max(0, dt)).catch((err: Error) =>
        log.warn({ err: err.message }, 'firmware device publish failed'),
      );
  };

  return {
    devices: () => devices.map((d) => d.spec()),
    firmwareDevices: () => firmware.map((f) => f.spec()),

    async connect({ url, credentials }) {
      if (running) throw new Error('virtual building is already connected');
      const missing = devices.filter((d) => !credentials[d.nodeId]).map((d) => d.nodeId);
      if (missing.length > 0) throw new Error(`no broker credentials for: ${missing.join(', ')}`);
      running = true;
      const results = await Promise.allSettled(
        devices.map((d) => d.connect(url, credentials[d.nodeId] as { username: string; password: string })),
      );
      const failed = results.flatMap((r, i) =>
        r.status === 'rejected' ? [`${devices[i]?.nodeId}: ${String(r.reason)}`] : [],
      );
      if (failed.length > 0) {
        running = false;
        await Promise.allSettled(devices.map((d) => d.stop()));
        throw new Error(`sim devices failed to connect: ${failed.join('; ')}`);
      }
      firmwareConnected = firmware.filter((f) => credentials[f.spec().nodeId]);
      const fw = await Promise.allSettled(
        firmwareConnected.map((f) => f.connect(url, credentials[f.spec().nodeId]!)),
      );
      for (const r of fw)
        if (r.status === 'rejected') log.warn({ err: String(r.reason) }, 'firmware device failed to connect');
      lastWallMs = now();
      timer = setInterval(tick, tickMs);
      log.info({ devices: devices.length, url }, 'virtual building connected');
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      running = false;
      await Promise.allSettled([...devices, ...firmwareConnected].map((d) => d.stop()));
      firmwareConnected = [];
    },

    step(dtMs) {
      model.step(dtMs);
      publishAll();
    },

    snapshot,

    dropDevice(nodeId) {
      const device = byId.get(nodeId);
      if (!device) throw new Error(`unknown sim device ${nodeId}`);
      device.drop();
    },
  };
}
