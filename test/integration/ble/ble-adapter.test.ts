import { createCipheriv } from 'node:crypto';
import dbus from 'dbus-next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/api/methods.ts';
import type { CommissioningCandidate } from '../../../shared/adapter/contract.ts';
import { bleRigAvailability, startBleRig, type BleRig } from '../../../adapters/sim/ble/rig.ts';
import { startTestTruss, until, type TestTruss } from '../support/truss-harness.ts';
import { peerAvailable } from '../support/peers.ts';

/**
 * The BLE adapter on a real core against BlueZ's D-Bus API: a private dbus-daemon with
 * python-dbusmock playing bluetoothd (adapters/sim/ble). Advertisements are D-Bus property
 * changes; GATT devices are GattService1/GattCharacteristic1 objects.
 */
const rigCheck = bleRigAvailability();

const BTHOME = '0000fcd2-0000-1000-8000-00805f9b34fb';
const ESS = '0000181a-0000-1000-8000-00805f9b34fb';
const BATTERY = '0000180f-0000-1000-8000-00805f9b34fb';
const KEY_HEX = '231d39c1d7cc1ab1aee224cd096db932';
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

describe.skipIf(!peerAvailable(rigCheck.ok, `the BLE rig: ${rigCheck.reason}`))(
  'BLE adapter against BlueZ over D-Bus (dbusmock)',
  () => {
    let rig: BleRig;
    let t: TestTruss;
    let token: string;
    const snapshot = async (): Promise<Snapshot> => (await t.call('site.snapshot', {}, token)).body.result;
    const status = async () =>
      (
        (await t.call('commissioning.status', {}, token)).body.result as {
          adapter: string;
          candidates: CommissioningCandidate[];
        }[]
      ).find((s) => s.adapter === 'ble')!;
    const diagnostics = () => t.truss.core.adapters.diagnostics().ble as Record<string, unknown>;
    const health = () => t.truss.core.adapters.health();
    const stateOf = async (address: string, key: string) => {
      const s = await snapshot();
      const device = s.devices.find((d) => d.address === address && d.adapter === 'ble');
      const entity = device && s.entities.find((e) => e.deviceId === device.id && e.key === key);
      return entity ? { entity, state: s.states[entity.id] ?? null, device } : null;
    };

    beforeAll(async () => {
      rig = await startBleRig();
      await rig.addAdapter('hci0');
      t = await startTestTruss({
        adapters: {
          ble: {
            busAddress: rig.busAddress,
            availabilityTimeoutSec: 5,
            candidateTtlSec: 2,
            gattBackoffMs: 100,
            gattMaxBackoffMs: 400,
          },
        },
      });
      token = (await t.call('auth.setup', { username: 'admin', password: 'a long admin password' })).body
        .result.token;
      await until(() => health().status === 'ok', 5000, 'BLE adapter healthy');
    }, 30_000);

    afterAll(async () => {
      await t?.stop();
      await rig?.stop();
    });

    it('active discovery on the selected adapter asks BlueZ for every advertisement (LE, DuplicateData)', async () => {
      const bus = dbus.sessionBus({ busAddress: rig.busAddress });
      const get = async (name: string) =>
        (
          (await bus.call(
            new dbus.Message({
              destination: 'org.bluez',
              path: '/org/bluez/hci0',
              interface: 'org.freedesktop.DBus.Properties',
              member: 'Get',
              signature: 'ss',
              body: ['org.bluez.Adapter1', name],
            }),
          ))!.body[0] as { value: unknown }
        ).value;
      try {
        expect(await get('Discovering')).toBe(true);
        const filter = (await get('DiscoveryFilter')) as Record<string, { value: unknown }>;
        expect(filter.Transport?.value).toBe('le');
        expect(filter.DuplicateData?.value).toBe(true);
      } finally {
        bus.disconnect();
      }
      expect(t.truss.core.adapters.diagnostics().ble).toMatchObject({
        adapter: 'hci0',
        scanMode: 'active',
      });
    });

    it('scan -> adopt -> entity state -> history for a plain BTHome sensor; strangers are never recorded', async () => {
      const path = await rig.addDevice('hci0', 'A4:C1:38:00:00:01', 'ATC_000001');
      const stranger = await rig.addDevice('hci0', 'A4:C1:38:00:00:99', 'Neighbour');
      expect((await t.call('commissioning.open', { adapter: 'ble', seconds: 60 }, token)).status).toBe(200);
      await rig.advertise(path, {
        rssi: -61,
        serviceData: { [BTHOME]: hex('40 00 01 01 61 02 ca 09 03 bf 13') },
      });
      await rig.advertise(stranger, { rssi: -80, serviceData: { [BTHOME]: hex('40 00 01 02 10 0e') } });
      const candidate = await until(
        async () => (await status()).candidates.find((c) => c.id === 'A4:C1:38:00:00:01'),
        5000,
        'candidate',
      );
      expect(candidate).toMatchObject({
        label: 'ATC_000001 (A4:C1:38:00:00:01)',
        secret: null,
        detail: {
          rssi: -61,
          format: 'bthome',
          temperature: '25.06 °C',
          humidity: '50.55 %',
          battery: '97 %',
        },
      });
      const adopted = await t.call(
        'commissioning.adopt',
        { adapter: 'ble', candidateId: candidate.id, name: 'Office thermometer' },
        token,
      );
      expect(adopted.status).toBe(200);
      expect(adopted.body.result).toMatchObject({ name: 'Office thermometer', adapter: 'ble' });
      const temp = await until(() => stateOf('A4:C1:38:00:00:01', 'temperature'), 5000, 'temperature entity');
      expect(temp.entity).toMatchObject({ kind: 'sensor', unit: '°C', deviceClass: 'temperature' });
      expect(temp.state).toMatchObject({ value: 25.06, quality: 'good', source: 'ble' });

      // A new reading, then the same packet again (DuplicateData reports every copy): one state change.
      await rig.advertise(path, {
        rssi: -60,
        serviceData: { [BTHOME]: hex('40 00 02 01 61 02 d4 09 03 bf 13') },
      });
      await rig.advertise(path, {
        rssi: -59,
        serviceData: { [BTHOME]: hex('40 00 02 01 61 02 d4 09 03 bf 13') },
      });
      await until(
        async () => (await stateOf('A4:C1:38:00:00:01', 'temperature'))?.state?.value === 25.16,
        5000,
        'new value',
      );
      await until(() => (diagnostics().duplicates as number) >= 1, 5000, 'duplicate counted');

      const h = await until(
        async () => {
          const r = await t.call(
            'history.query',
            { entityId: temp.entity.id, from: Date.now() - 60_000, to: Date.now() + 1000, resolution: 'raw' },
            token,
          );
          const points = (r.body.result?.points ?? []) as { last: number }[];
          return points.length >= 2 ? points : null;
        },
        10_000,
        'history points',
      );
      expect(h.map((p) => p.last)).toEqual(expect.arrayContaining([25.06, 25.16]));

      const s = await snapshot();
      expect(s.devices.some((d) => d.address === 'A4:C1:38:00:00:99')).toBe(false);
    });

    it('an encrypted BTHome sensor needs its bindkey: a wrong one is refused, the right one is stored as a secret; replays are dropped', async () => {
      const mac = '54:48:E6:8F:80:A5';
      const path = await rig.addDevice('hci0', mac, 'SBHT-003C');
      await rig.advertise(path, {
        rssi: -70,
        serviceData: { [BTHOME]: bthomeEncrypted(mac, hex('02 ca 09 03 bf 13'), 5) },
      });
      const candidate = await until(
        async () => (await status()).candidates.find((c) => c.id === mac),
        5000,
        'candidate',
      );
      expect(candidate.secret).toEqual({ required: true, label: expect.stringContaining('Bindkey') });
      expect(candidate.detail.temperature).toBeUndefined();

      const none = await t.call('commissioning.adopt', { adapter: 'ble', candidateId: mac }, token);
      expect(none.status).toBe(400);
      const wrong = await t.call(
        'commissioning.adopt',
        { adapter: 'ble', candidateId: mac, secret: '00112233445566778899aabbccddeeff' },
        token,
      );
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toContain('wrong bindkey');
      // the candidate says why, in words an installer can act on; retry clears it
      const failed = (await status()).candidates.find((c) => c.id === mac)!;
      expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('wrong bindkey') });
      expect((await t.call('commissioning.retry', { adapter: 'ble', candidateId: mac }, token)).status).toBe(
        200,
      );
      expect((await status()).candidates.find((c) => c.id === mac)).toMatchObject({
        status: 'discovered',
        error: null,
      });
      expect((await snapshot()).devices.some((d) => d.address === mac)).toBe(false);

      const ok = await t.call(
        'commissioning.adopt',
        { adapter: 'ble', candidateId: mac, secret: KEY_HEX },
        token,
      );
      expect(ok.status).toBe(200);
      await until(
        async () => (await stateOf(mac, 'humidity'))?.state?.value === 50.55,
        5000,
        'decrypted state',
      );
      // the key is in the core's secret store, encrypted at rest, never in the adapter's own file
      const { readFileSync } = await import('node:fs');
      const adoptedFile = readFileSync(`${t.dataDir}/adapters/ble/adopted.json`, 'utf8');
      expect(adoptedFile).not.toContain(KEY_HEX);

      const rejectedBefore = diagnostics().rejected as number;
      await rig.advertise(path, {
        rssi: -70,
        serviceData: { [BTHOME]: bthomeEncrypted(mac, hex('02 10 0e'), 5) },
      });
      await until(() => (diagnostics().rejected as number) > rejectedBefore, 5000, 'replay rejected');
      expect((diagnostics().lastRejections as string[])[0]).toContain('replayed');
      expect((await stateOf(mac, 'temperature'))?.state?.value).toBe(25.06);
      await rig.advertise(path, {
        rssi: -70,
        serviceData: { [BTHOME]: bthomeEncrypted(mac, hex('02 10 0e'), 6) },
      });
      await until(
        async () => (await stateOf(mac, 'temperature'))?.state?.value === 36,
        5000,
        'next counter accepted',
      );
    });

    it('hostile advertisements are counted and ignored; the adapter keeps working', async () => {
      const path = await rig
        .addDevice('hci0', 'A4:C1:38:00:00:01', 'ATC_000001')
        .catch(() => '/org/bluez/hci0/dev_A4_C1_38_00_00_01');
      const before = diagnostics().rejected as number;
      for (const bytes of ['40 02 ca', '40 7f 01 02', '20 02 ca 09', '40' + '02ca09'.repeat(120), '']) {
        await rig.advertise(path, { rssi: -60, serviceData: { [BTHOME]: hex(bytes) } });
      }
      await until(() => (diagnostics().rejected as number) >= before + 4, 5000, 'rejections counted');
      await rig.advertise(path, { rssi: -60, serviceData: { [BTHOME]: hex('40 00 09 02 00 0a') } });
      await until(
        async () => (await stateOf('A4:C1:38:00:00:01', 'temperature'))?.state?.value === 25.6,
        5000,
        'still decoding',
      );
      expect(health().status).toBe('ok');
    });

    it('GATT Environmental Sensing + Battery: read, notify, and reconnect with backoff after the device disappears', async () => {
      const mac = 'C0:FF:EE:00:00:02';
      const path = await rig.addDevice('hci0', mac, 'ESS sensor');
      const ess = await rig.addGattService(path, ESS);
      const temp = await rig.addGattCharacteristic(
        ess,
        '00002a6e-0000-1000-8000-00805f9b34fb',
        ['read', 'notify'],
        hex('1009'),
      );
      await rig.addGattCharacteristic(ess, '00002a6f-0000-1000-8000-00805f9b34fb', ['read'], hex('a00f'));
      const bat = await rig.addGattService(path, BATTERY);
      await rig.addGattCharacteristic(
        bat,
        '00002a19-0000-1000-8000-00805f9b34fb',
        ['read', 'notify'],
        hex('5a'),
      );
      await rig.setUuids(path, [ESS, BATTERY]);
      await rig.advertise(path, { rssi: -55 });
      const candidate = await until(
        async () => (await status()).candidates.find((c) => c.id === mac),
        5000,
        'gatt candidate',
      );
      expect(candidate.detail).toMatchObject({ format: 'gatt', services: 'Environmental Sensing, Battery' });
      expect(
        (await t.call('commissioning.adopt', { adapter: 'ble', candidateId: mac, name: 'Lab ESS' }, token))
          .status,
      ).toBe(200);
      await until(
        async () => (await stateOf(mac, 'temperature'))?.state?.value === 23.2,
        10_000,
        'GATT read',
      );
      await until(async () => (await stateOf(mac, 'humidity'))?.state?.value === 40, 5000, 'GATT humidity');
      await until(async () => (await stateOf(mac, 'battery'))?.state?.value === 90, 5000, 'GATT battery');

      await rig.setCharacteristicValue(temp, hex('3a09'));
      await until(
        async () => (await stateOf(mac, 'temperature'))?.state?.value === 23.62,
        5000,
        'GATT notify',
      );

      // The device goes out of range: the link drops and connects are refused.
      await rig.setReachable(path, false);
      await until(
        async () => (await stateOf(mac, 'temperature'))?.device.availability === 'offline',
        5000,
        'offline',
      );
      await new Promise((r) => setTimeout(r, 600));
      await rig.setCharacteristicValue(temp, hex('4c09'));
      await rig.setReachable(path, true);
      await until(
        async () => (await stateOf(mac, 'temperature'))?.state?.value === 23.8,
        10_000,
        'read after reconnect',
      );
      expect((await stateOf(mac, 'temperature'))?.device.availability).toBe('online');
      await rig.setCharacteristicValue(temp, hex('5609'));
      await until(
        async () => (await stateOf(mac, 'temperature'))?.state?.value === 23.9,
        5000,
        'notify after reconnect',
      );
    });

    it('availability follows last-seen: a silent sensor goes offline and comes back when heard', async () => {
      const s0 = await stateOf('A4:C1:38:00:00:01', 'temperature');
      expect(s0).not.toBeNull();
      await until(
        async () => (await stateOf('A4:C1:38:00:00:01', 'temperature'))?.device.availability === 'offline',
        12_000,
        'offline after silence',
      );
      await rig.advertise('/org/bluez/hci0/dev_A4_C1_38_00_00_01', { rssi: -60 });
      await until(
        async () => (await stateOf('A4:C1:38:00:00:01', 'temperature'))?.device.availability === 'online',
        5000,
        'online again',
      );
    }, 20_000);

    it('BlueZ going away and coming back, and the adapter powered off / unplugged, never crash the core', async () => {
      await rig.stopBluez();
      await until(() => health().status === 'degraded', 5000, 'degraded health');
      expect(health().detail).toContain('BlueZ');
      expect((await t.call('site.snapshot', {}, token)).status).toBe(200);

      await rig.startBluez();
      await rig.addAdapter('hci0');
      await until(() => health().status === 'ok', 5000, 'healthy again');
      const path = await rig.addDevice('hci0', 'A4:C1:38:00:00:01', 'ATC_000001');
      await rig.advertise(path, { rssi: -60, serviceData: { [BTHOME]: hex('40 00 20 02 2c 0b') } });
      await until(
        async () => (await stateOf('A4:C1:38:00:00:01', 'temperature'))?.state?.value === 28.6,
        5000,
        'decoding after restart',
      );

      await rig.setPowered('hci0', false);
      await until(() => String(health().detail).includes('powered off'), 5000, 'powered off reported');
      await rig.setPowered('hci0', true);
      await until(() => health().status === 'ok', 5000, 'powered on');
      await rig.removeAdapter('hci0');
      await until(() => String(health().detail).includes('no Bluetooth adapter'), 5000, 'unplugged reported');
      await rig.addAdapter('hci0');
      await until(() => health().status === 'ok', 5000, 'plugged in again');
    });
  },
);
