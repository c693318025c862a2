import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdapterContext, AdapterSink, Logger } from '../../../shared/adapter/contract.ts';
import { ZigbeeAdapter } from '../../../adapters/zigbee/adapter.ts';
import { BACKUP_FILE, SEALED } from '../../../adapters/zigbee/backup-key.ts';
import { ZigbeeAdapterConfig } from '../../../adapters/zigbee/manifest.ts';
import { ZnpEmulator } from '../../../adapters/sim/zigbee/znp-emulator.ts';
import { adapterFiles } from '../../../main/core/storage/private-files.ts';
import { until } from '../support/truss-harness.ts';

/**
 * The probe found the Zigbee network key in plain hex in coordinator_backup.json (0644). The
 * backup herdsman writes must hold a marker instead, the key must sit in the secret store, and
 * the coordinator must still come back from that backup after a restart.
 */
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const sink: AdapterSink = {
  deviceAnnounced() {},
  stateChanged() {},
  availabilityChanged() {},
  deviceRemoved() {},
  candidateChanged() {},
  candidateRemoved() {},
};

describe('the coordinator backup keeps no network key in the clear', () => {
  const dir = mkdtempSync(join(tmpdir(), 'truss-zb-key-'));
  const secrets = new Map<string, string>();
  const emu = new ZnpEmulator();
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const adapter = (url: string) => {
    const ctx: AdapterContext = {
      log: quiet,
      sink,
      now: () => Date.now(),
      dataDir: dir,
      files: adapterFiles(dir),
      secrets: {
        get: async (k) => secrets.get(k) ?? null,
        set: async (k, v) => void secrets.set(k, v),
        delete: async (k) => void secrets.delete(k),
      },
    };
    return new ZigbeeAdapter(ctx, ZigbeeAdapterConfig.parse({ port: url }));
  };
  const file = join(dir, BACKUP_FILE);
  const sealed = () => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')).network_key?.key === SEALED;
    } catch {
      return false;
    }
  };

  it('seals every backup herdsman writes, and the network resumes from it after a restart', async () => {
    await emu.listen();
    const first = adapter(emu.url);
    await first.start();
    await first.ready();
    await until(sealed, 8000, 'backup sealed');
    const key = secrets.get('coordinatorBackupNetworkKey');
    expect(key).toMatch(/^[0-9a-f]{32}$/i);
    expect(readFileSync(file, 'utf8').toLowerCase()).not.toContain(key!.toLowerCase());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await first.stop();
    expect(sealed()).toBe(true); // herdsman's backup at stop is sealed too

    const second = adapter(emu.url);
    await second.start();
    await second.ready();
    await until(sealed, 8000, 'sealed again');
    expect(secrets.get('coordinatorBackupNetworkKey')).toBe(key);
    expect(second.health().status).toBe('ok');
    await second.stop();
  }, 60_000);
});
