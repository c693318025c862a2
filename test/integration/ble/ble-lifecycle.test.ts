import { createCipheriv } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dbus from 'dbus-next';
import type { CommissioningCandidate } from '../../../shared/adapter/contract.ts';
import type { Snapshot } from '../../../shared/api/methods.ts';
import { GattLink } from '../../../adapters/ble/gatt/gatt-link.ts';
import { nodeBleOn } from '../../../adapters/ble/gatt/node-ble-facade.ts';
import type { Measurement } from '../../../adapters/ble/measurement.ts';
import { bleRigAvailability, startBleRig, type BleRig } from '../../../adapters/sim/ble/rig.ts';
import { silentLogger } from '../../../main/core/log/logger.ts';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';
import { peerAvailable } from '../support/peers.ts';

/** Restarts, removal and bans, candidate ageing, adapter selection, passive mode, hostile D-Bus data, GATT writes. */
const rigCheck = bleRigAvailability();
const BTHOME = '0000fcd2-0000-1000-8000-00805f9b34fb';
const KEY_HEX = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replaceAll(' ', ''), 'hex'));

function bthomeEncrypted(mac: string, plain: Uint8Array, counter: number): Uint8Array {
  const cnt = Buffer.alloc(4);
  cnt.writeUInt32LE(counter);
  const nonce = Buffer.concat([
    Buffer.from(mac.replaceAll(':', ''), 'hex'),
    Buffer.from([0xd2, 0xfc, 0x41]),
    cnt,
  ]);
  const c = createCipheriv('aes-128-ccm', Buffer.from(KEY_HEX, 'hex'), nonce, { authTagLength: 4 });
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x41]), ct, cnt, c.getAuthTag()]));
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe.skipIf(!peerAvailable(rigCheck.ok, `the BLE rig: ${rigCheck.reason}`))(
  'BLE adapter lifecycle',
  () => {
    let rig: BleRig;
    let t: TestTruss;
    let token: string;
    const config = (extra: Record<string, unknown> = {}) => ({
      ble: {
        busAddress: rig.busAddress,
        candidateTtlSec: 2,
        gattBackoffMs: 100,
        gattMaxBackoffMs: 400,
        ...extra,
      },
    });
    const snapshot = async (): Promise<Snapshot> => (await t.call('site.snapshot', {}, token)).body.result;
    const candidates = async () =>
      (
        (await t.call('commissioning.status', {}, token)).body.result as {
          adapter: string;
          candidates: CommissioningCandidate[];
        }[]
      ).find((s) => s.adapter === 'ble')!.candidates;
    const diagnostics = () => t.truss.core.adapters.diagnostics().ble as { hostile: number };
    const value = async (address: string, key: string) => {
      const s = await snapshot();
      const device = s.devices.find((d) => d.address === address && d.adapter === 'ble');
      const entity = device && s.entities.find((e) => e.deviceId === device.id && e.key === key);
      return entity ? (s.states[entity.id]?.value ?? null) : undefined;
    };
    const login = async () =>
      (token = (await t.call('auth.login', { username: 'admin', password: 'a long admin password' })).body
        .result.token);

    beforeAll(async () => {
      rig = await startBleRig();
      await rig.addAdapter('hci0');
      t = await startTestTruss({ adapters: config() });
      token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
        .result.token;
    }, 30_000);
    afterAll(async () => {
      await t?.stop();
      await rig?.stop();
    });

    it('an adopted encrypted sensor keeps decoding after a restart: the bindkey comes back from the encrypted secret store', async () => {
      const mac = 'D4:00:00:00:00:01';
      const path = await rig.addDevice('hci0', mac, 'Shelly BLU H&T');
      await t.call('commissioning.open', { adapter: 'ble', seconds: 60 }, token);
      await rig.advertise(path, {
        rssi: -66,
        serviceData: { [BTHOME]: bthomeEncrypted(mac, hex('02 c4 09'), 100) },
      });
      await until(async () => (await candidates()).some((c) => c.id === mac), 5000, 'candidate');
      expect(
        (await t.call('commissioning.adopt', { adapter: 'ble', candidateId: mac, secret: KEY_HEX }, token))
          .status,
      ).toBe(200);
      await until(async () => (await value(mac, 'temperature')) === 25, 5000, 'decrypted');

      const dataDir = t.dataDir;
      await t.stop({ keepData: true });
      for (const f of allFiles(dataDir))
        expect(readFileSync(f).includes(Buffer.from(KEY_HEX)), f).toBe(false);
      t = await startTestTruss({ dataDir, adapters: config() });
      await login();
      await until(() => t.truss.core.adapters.health().status === 'ok', 5000, 'healthy');
      await rig.advertise(path, {
        rssi: -66,
        serviceData: { [BTHOME]: bthomeEncrypted(mac, hex('02 28 0a'), 101) },
      });
      await until(async () => (await value(mac, 'temperature')) === 26, 5000, 'decrypted after restart');
    });

    it('candidates age out when not heard, and closing the window empties the list', async () => {
      const path = await rig.addDevice('hci0', 'D4:00:00:00:00:02', 'Passer-by');
      await t.call('commissioning.open', { adapter: 'ble', seconds: 60 }, token);
      await rig.advertise(path, { rssi: -90, serviceData: { [BTHOME]: hex('40 02 c4 09') } });
      await until(
        async () => (await candidates()).some((c) => c.id === 'D4:00:00:00:00:02'),
        5000,
        'candidate',
      );
      await until(
        async () => !(await candidates()).some((c) => c.id === 'D4:00:00:00:00:02'),
        6000,
        'aged out',
      );
      await rig.advertise(path, { rssi: -90, serviceData: { [BTHOME]: hex('40 02 c4 09') } });
      await until(async () => (await candidates()).length > 0, 5000, 'heard again');
      await t.call('commissioning.close', { adapter: 'ble' }, token);
      expect(await candidates()).toEqual([]);
      await rig.advertise(path, { rssi: -90, serviceData: { [BTHOME]: hex('40 02 c4 09') } });
      await new Promise((r) => setTimeout(r, 200));
      expect(await candidates()).toEqual([]);
      expect((await snapshot()).devices.some((d) => d.address === 'D4:00:00:00:00:02')).toBe(false);
    });

    it('removing a device stops its states and forgets its key; a banned device is not offered again', async () => {
      const mac = 'D4:00:00:00:00:01';
      const before = await snapshot();
      const device = before.devices.find((d) => d.address === mac)!;
      const entityIds = before.entities.filter((e) => e.deviceId === device.id).map((e) => e.id);
      expect(entityIds.length).toBeGreaterThan(0);
      const bleSecrets = t.truss.core.use('secrets').scoped('ble');
      expect(await bleSecrets.get(`bindkey:${mac}`)).not.toBeNull();
      const decodedBefore = (diagnostics() as unknown as { decoded: number }).decoded;

      expect((await t.call('device.remove', { deviceId: device.id, ban: true }, token)).status).toBe(200);
      expect(await bleSecrets.get(`bindkey:${mac}`)).toBeNull();
      const path = '/org/bluez/hci0/dev_D4_00_00_00_00_01';
      await t.call('commissioning.open', { adapter: 'ble', seconds: 60 }, token);
      await rig.advertise(path, {
        rssi: -66,
        serviceData: { [BTHOME]: bthomeEncrypted(mac, hex('02 8c 0a'), 102) },
      });
      await new Promise((r) => setTimeout(r, 300));
      expect((await candidates()).some((c) => c.id === mac)).toBe(false);
      const after = await snapshot();
      expect(after.devices.some((d) => d.address === mac)).toBe(false);
      for (const id of entityIds) expect(after.states[id], id).toBeUndefined();
      // the advert was heard but not decoded into anything: the key is gone and the device banned
      expect((diagnostics() as unknown as { decoded: number }).decoded).toBe(decodedBefore);
      await t.call('commissioning.close', { adapter: 'ble' }, token);
    });

    it('hostile D-Bus data (wrong types, impossible RSSI) is counted and ignored', async () => {
      const path = await rig.addDevice('hci0', 'D4:00:00:00:00:03', 'Evil');
      const before = diagnostics().hostile;
      await rig.setDeviceProperty(path, 'ServiceData', 's', 'not a dict');
      await rig.setDeviceProperty(path, 'ManufacturerData', 'a{sv}', { '1177': new dbus.Variant('s', 'x') });
      await rig.setDeviceProperty(path, 'RSSI', 'n', 3000);
      await until(() => diagnostics().hostile >= before + 3, 5000, 'hostile counted');
      expect(t.truss.core.adapters.health().status).toBe('ok');
    });

    it('GATT write reaches the peripheral through node-ble (write with response)', async () => {
      const mac = 'D4:00:00:00:00:04';
      const path = await rig.addDevice('hci0', mac, 'Writable ESS');
      const ess = await rig.addGattService(path, '0000181a-0000-1000-8000-00805f9b34fb');
      await rig.addGattCharacteristic(ess, '00002a6e-0000-1000-8000-00805f9b34fb', ['read'], hex('1009'));
      const writable = await rig.addGattCharacteristic(
        ess,
        '00002a6c-0000-1000-8000-00805f9b34fb',
        ['read', 'write'],
        hex('00'),
      );
      const bus = dbus.sessionBus({ busAddress: rig.busAddress });
      const ble = nodeBleOn(bus);
      const adapter = await ble.getAdapter('hci0');
      const seen: Measurement[] = [];
      const link = new GattLink({
        mac,
        adapter: () => adapter,
        log: silentLogger(),
        onMeasurement: (m) => seen.push(m),
        onConnected: () => undefined,
        backoffMs: 50,
        maxBackoffMs: 200,
        connectTimeoutMs: 5000,
      });
      try {
        link.start();
        await until(() => link.connected, 5000, 'connected');
        expect(seen[0]).toMatchObject({ key: 'temperature', value: 23.2 });
        await link.write('00002a6c-0000-1000-8000-00805f9b34fb', hex('e803'));
        expect(await rig.characteristicWrites(writable)).toEqual([hex('e803')]);
        await expect(link.write('00002a6e-0000-1000-8000-00805f9b34fb', hex('00'))).rejects.toThrow();
      } finally {
        await link.stop();
        bus.disconnect();
      }
    });

    it('uses the configured adapter only; passive mode never starts a scan and registers an advertisement monitor instead', async () => {
      await t.stop();
      await rig.addAdapter('hci1', 'Second controller');
      t = await startTestTruss({ adapters: config({ adapter: 'hci1', scanMode: 'passive' }) });
      token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
        .result.token;
      await until(() => t.truss.core.adapters.health().status === 'ok', 5000, 'healthy');
      expect(t.truss.core.adapters.diagnostics().ble).toMatchObject({
        adapter: 'hci1',
        scanMode: 'passive',
      });
      await t.call('commissioning.open', { adapter: 'ble', seconds: 60 }, token);
      const on0 = await rig.addDevice('hci0', 'D4:00:00:00:00:05', 'On hci0');
      const on1 = await rig.addDevice('hci1', 'D4:00:00:00:00:06', 'On hci1');
      await rig.advertise(on0, { rssi: -50, serviceData: { [BTHOME]: hex('40 02 c4 09') } });
      await rig.advertise(on1, { rssi: -50, serviceData: { [BTHOME]: hex('40 02 c4 09') } });
      await until(
        async () => (await candidates()).some((c) => c.id === 'D4:00:00:00:00:06'),
        5000,
        'hci1 candidate',
      );
      expect((await candidates()).some((c) => c.id === 'D4:00:00:00:00:05')).toBe(false);
      const bus = dbus.sessionBus({ busAddress: rig.busAddress });
      const reply = await bus.call(
        new dbus.Message({
          destination: 'org.bluez',
          path: '/org/bluez/hci1',
          interface: 'org.freedesktop.DBus.Properties',
          member: 'Get',
          signature: 'ss',
          body: ['org.bluez.Adapter1', 'Discovering'],
        }),
      );
      bus.disconnect();
      expect((reply!.body[0] as { value: boolean }).value).toBe(false);
      // instead of scanning, Truss registered an advertisement monitor for the formats it decodes
      expect(await rig.monitorRoots('hci1')).toEqual(['/org/truss/ble/monitor']);
      expect(await rig.monitorRoots('hci0')).toEqual([]);
      expect(t.truss.core.adapters.diagnostics().ble).toMatchObject({
        passive: 'monitor registered on hci1',
      });
      const probe = dbus.sessionBus({ busAddress: rig.busAddress });
      try {
        const names = (await probe.call(
          new dbus.Message({
            destination: 'org.freedesktop.DBus',
            path: '/org/freedesktop/DBus',
            interface: 'org.freedesktop.DBus',
            member: 'ListNames',
          }),
        ))!.body[0] as string[];
        let patterns: unknown = null;
        for (const name of names.filter((n) => n.startsWith(':'))) {
          const r = await probe
            .call(
              new dbus.Message({
                destination: name,
                path: '/org/truss/ble/monitor',
                interface: 'org.freedesktop.DBus.ObjectManager',
                member: 'GetManagedObjects',
              }),
            )
            .catch(() => null);
          const objects = r?.body[0] as
            Record<string, Record<string, Record<string, { value: unknown }>>> | undefined;
          const monitor = objects?.['/org/truss/ble/monitor/0']?.['org.bluez.AdvertisementMonitor1'];
          if (monitor) {
            expect(monitor.Type?.value).toBe('or_patterns');
            patterns = monitor.Patterns?.value;
          }
        }
        expect(patterns).toEqual([
          [0, 0x16, Buffer.from([0xd2, 0xfc])],
          [0, 0x16, Buffer.from([0x95, 0xfe])],
          [0, 0x16, Buffer.from([0x1a, 0x18])],
          [0, 0xff, Buffer.from([0x99, 0x04])],
        ]);
      } finally {
        probe.disconnect();
      }
    });

    it('a BLE adapter whose D-Bus is unreachable leaves the core running and says why', async () => {
      const other = await startTestTruss({
        adapters: { ble: { busAddress: 'unix:path=/nonexistent/truss-ble-bus' } },
      });
      try {
        await until(() => other.truss.core.adapters.health().status === 'degraded', 5000, 'degraded');
        expect(other.truss.core.adapters.health().detail).toContain('ble');
        expect((await other.call('auth.status', {})).status).toBeLessThan(500);
      } finally {
        await other.stop();
      }
    });
  },
);
