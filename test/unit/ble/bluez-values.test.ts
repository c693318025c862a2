import { describe, expect, it } from 'vitest';
import { asByteMap, asBytes, asNumber, asString, unwrap } from '../../../adapters/ble/bluez/variants.ts';
import { toCandidate } from '../../../adapters/ble/candidates.ts';
import type { BleDeviceSnapshot } from '../../../adapters/ble/bluez/bluez-watcher.ts';
import { parseBTHome } from '../../../adapters/ble/bthome.ts';

const variant = (signature: string, value: unknown) => ({ signature, value });

describe('BlueZ property values', () => {
  it('unwraps variants and keeps only the expected shapes', () => {
    expect(unwrap(variant('s', 'x'))).toBe('x');
    expect(asString(variant('n', 3))).toBeNull();
    expect(asNumber(variant('n', -61))).toBe(-61);
    expect(asNumber(variant('d', Number.NaN))).toBeNull();
    expect(asBytes(variant('ay', Buffer.from([1, 2])))).toEqual(new Uint8Array([1, 2]));
    expect(asBytes(variant('av', [1, 300]))).toBeNull();
  });

  it('reads ServiceData / ManufacturerData maps and refuses malformed ones', () => {
    const sd = asByteMap(
      variant('a{sv}', { '0000FCD2-0000-1000-8000-00805F9B34FB': variant('ay', Buffer.from([0x40])) }),
    );
    expect([...sd!.keys()]).toEqual(['0000fcd2-0000-1000-8000-00805f9b34fb']);
    expect(asByteMap(variant('a{qv}', { 1177: variant('ay', Buffer.from([5])) }))?.get('1177')).toEqual(
      new Uint8Array([5]),
    );
    expect(asByteMap(variant('s', 'garbage'))).toBeNull();
    expect(asByteMap(variant('a{sv}', { x: variant('s', 'not bytes') }))).toBeNull();
    expect(asByteMap(variant('ay', Buffer.from([1])))).toBeNull();
    expect(asByteMap(null)).toBeNull();
  });
});

describe('scan candidates', () => {
  const dev = (over: Partial<BleDeviceSnapshot> = {}): BleDeviceSnapshot => ({
    path: '/org/bluez/hci0/dev_A4_C1_38_00_00_01',
    adapter: 'hci0',
    mac: 'A4:C1:38:00:00:01',
    name: 'ATC_000001',
    rssi: -61,
    serviceData: new Map(),
    manufacturerData: new Map(),
    uuids: [],
    connected: false,
    ...over,
  });

  it('shows name, MAC, RSSI, format and decoded values with units', () => {
    const c = toCandidate(
      dev(),
      parseBTHome(Uint8Array.from([0x40, 0x02, 0xca, 0x09, 0x1a, 0x01])),
      [],
      1000,
    );
    expect(c).toMatchObject({
      id: 'A4:C1:38:00:00:01',
      address: 'A4:C1:38:00:00:01',
      label: 'ATC_000001 (A4:C1:38:00:00:01)',
      status: 'discovered',
      secret: null,
      lastSeen: 1000,
      detail: {
        mac: 'A4:C1:38:00:00:01',
        rssi: -61,
        format: 'bthome',
        encrypted: false,
        temperature: '25.06 °C',
        door: true,
      },
    });
  });

  it('asks for a bindkey for encrypted payloads without showing values', () => {
    const c = toCandidate(
      dev({ name: null }),
      parseBTHome(Uint8Array.from([0x41, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
      [],
      1,
    );
    expect(c.secret).toEqual({ required: true, label: 'Bindkey (32 hex characters)' });
    expect(c.label).toBe('A4:C1:38:00:00:01');
    expect(Object.keys(c.detail)).toEqual(['mac', 'rssi', 'format', 'encrypted']);
  });

  it('names GATT profiles and malformed payload problems', () => {
    expect(toCandidate(dev(), null, ['Environmental Sensing'], 1).detail).toMatchObject({
      format: 'gatt',
      services: 'Environmental Sensing',
    });
    expect(toCandidate(dev(), parseBTHome(Uint8Array.from([0x40, 0x02])), [], 1).detail.problem).toContain(
      'truncated',
    );
  });
});
