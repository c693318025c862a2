import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AdapterContext,
  AdapterSink,
  CommissioningCandidate,
  Logger,
} from '../../../shared/adapter/contract.ts';
import { ZigbeeAdapter } from '../../../adapters/zigbee/adapter.ts';
import { ZigbeeAdapterConfig } from '../../../adapters/zigbee/manifest.ts';
import { meteringPlug, temperatureHumiditySensor } from '../../../adapters/sim/zigbee/devices.ts';
import { ZnpEmulator } from '../../../adapters/sim/zigbee/znp-emulator.ts';
import { until } from '../support/truss-harness.ts';
import { adapterFiles } from '../../../main/core/storage/private-files.ts';

/**
 * Battery devices cannot be pinged: quiet longer than `batteryTimeoutS` means offline. The
 * adapter reads time from its context, so the test steps the clock instead of sleeping an hour.
 */
const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quiet,
};

describe('zigbee availability: battery last-seen timeout', () => {
  let dir: string;
  let emu: ZnpEmulator;
  let adapter: ZigbeeAdapter;
  let skewMs = 0;
  const availability: { address: string; online: boolean }[] = [];
  const candidates = new Map<string, CommissioningCandidate>();
  const sink: AdapterSink = {
    deviceAnnounced() {},
    stateChanged() {},
    availabilityChanged: (address, online) => void availability.push({ address, online }),
    deviceRemoved() {},
    candidateChanged: (c) => void candidates.set(c.id, c),
    candidateRemoved: (id) => void candidates.delete(id),
  };
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'truss-zb-battery-'));
    emu = new ZnpEmulator();
    await emu.listen();
    const ctx: AdapterContext = {
      log: quiet,
      sink,
      now: () => Date.now() + skewMs,
      dataDir: dir,
      files: adapterFiles(dir),
      secrets: {
        get: async (k) => secrets.get(k) ?? null,
        set: async (k, v) => void secrets.set(k, v),
        delete: async (k) => void secrets.delete(k),
      },
    };
    adapter = new ZigbeeAdapter(
      ctx,
      ZigbeeAdapterConfig.parse({ port: emu.url, batteryTimeoutS: 3600, pingAfterS: 600 }),
    );
    await adapter.start();
    await adapter.ready();
    await adapter.commissioning.open(30);
    for (const spec of [temperatureHumiditySensor(), meteringPlug()]) {
      emu.join(spec);
      await until(() => candidates.get(spec.ieee)?.status === 'ready', 8000, `${spec.modelId} ready`);
      await adapter.commissioning.adopt(spec.ieee, {});
    }
  }, 30_000);

  afterAll(async () => {
    await adapter?.stop();
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a quiet battery sensor goes offline after the timeout, a quiet mains plug is pinged instead', async () => {
    const sensor = temperatureHumiditySensor().ieee;
    const plug = meteringPlug().ieee;
    // just under the timeout: nothing changes
    skewMs = 3599 * 1000;
    await adapter.checkAvailability();
    expect(availability).toEqual([]);

    skewMs = 3601 * 1000;
    await adapter.checkAvailability();
    expect(availability).toEqual([{ address: sensor, online: false }]);
    // the plug answered its ping: still online, never reported offline
    expect(availability.some((a) => a.address === plug)).toBe(false);

    // a report from the sensor brings it back at once
    emu.report(sensor, 1, 'msTemperatureMeasurement', { measuredValue: 2150 });
    await until(() => availability.at(-1)?.online === true, 5000, 'sensor back online');
    expect(availability.at(-1)).toEqual({ address: sensor, online: true });

    // a plug that stops answering its ping is offline too
    emu.setOnline(plug, false);
    await adapter.checkAvailability();
    await until(
      () => availability.some((a) => a.address === plug && !a.online),
      15_000,
      'unreachable plug offline',
    );
  }, 30_000);
});
