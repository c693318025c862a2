import { describe, expect, it } from 'vitest';
import { decodeAdvertisement } from '../../../adapters/ble/decode-advertisement.ts';
import type { Decoded, ParseResult } from '../../../adapters/ble/measurement.ts';
import { MIBEACON_UUID, parseMiBeacon } from '../../../adapters/ble/mibeacon.ts';
import { ENVIRONMENTAL_SENSING_UUID, parsePvvx } from '../../../adapters/ble/pvvx.ts';
import { parseRuuvi, RUUVI_COMPANY_ID } from '../../../adapters/ble/ruuvi.ts';
import { encryptCcm, hex } from './ccm-fixture.ts';

const ok = (r: ParseResult | null): Decoded => {
  if (!r?.ok) throw new Error(`rejected: ${r ? r.reason : 'no format'}`);
  return r;
};
const values = (r: ParseResult | null) => Object.fromEntries(ok(r).measurements.map((m) => [m.key, m.value]));

describe('Ruuvi RAWv2 (vectors from docs.ruuvi.com data format 5)', () => {
  it('valid data', () => {
    const r = ok(parseRuuvi(hex('0512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F')));
    expect(values(r)).toEqual({
      temperature: 24.3,
      humidity: 53.49,
      pressure: 1000.44,
      acceleration_x: 0.004,
      acceleration_y: -0.004,
      acceleration_z: 1.036,
      voltage: 2.977,
      tx_power: 4,
      movement_counter: 66,
    });
    expect(r.packetId).toBe(205);
  });
  it('maximum values', () => {
    expect(values(parseRuuvi(hex('057FFFFFFEFFFE7FFF7FFF7FFFFFDEFEFFFECBB8334C884F')))).toMatchObject({
      temperature: 163.835,
      humidity: 163.835,
      pressure: 1155.34,
      voltage: 3.646,
      tx_power: 20,
      movement_counter: 254,
    });
  });
  it('minimum values', () => {
    expect(values(parseRuuvi(hex('058001000000008001800180010000000000CBB8334C884F')))).toMatchObject({
      temperature: -163.835,
      humidity: 0,
      pressure: 500,
      voltage: 1.6,
      tx_power: -40,
    });
  });
  it('invalid values are refused, not reported', () => {
    expect(parseRuuvi(hex('058000FFFFFFFF800080008000FFFFFFFFFFFFFFFFFFFFFF'))).toMatchObject({ ok: false });
  });
  it.each([[''], ['03'], ['0512FC53'], ['0512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F00']])(
    'rejects %j',
    (b) => {
      expect(parseRuuvi(hex(b)).ok).toBe(false);
    },
  );
});

describe('pvvx / ATC1441 custom firmware (github.com/pvvx/ATC_MiThermometer)', () => {
  it('pvvx custom format (15 bytes, little-endian)', () => {
    const r = ok(parsePvvx(hex('332211 38c1a4 2909 0314 860b 55 10 04'), 'A4:C1:38:11:22:33'));
    expect(r.format).toBe('pvvx');
    expect(values(r)).toEqual({ temperature: 23.45, humidity: 51.23, voltage: 2.95, battery: 85 });
    expect(r.packetId).toBe(0x10);
  });
  it('ATC1441 format (13 bytes, big-endian)', () => {
    const r = ok(parsePvvx(hex('a4c138 112233 00eb 37 64 0bb8 12'), 'A4:C1:38:11:22:33'));
    expect(r.format).toBe('atc');
    expect(values(r)).toEqual({ temperature: 23.5, humidity: 55, battery: 100, voltage: 3 });
  });
  it('negative temperatures', () => {
    expect(values(parsePvvx(hex('a4c138 112233 ff9c 37 64 0bb8 12')))).toMatchObject({ temperature: -10 });
  });
  it('refuses a payload that names another device, encrypted variants and odd lengths', () => {
    expect(parsePvvx(hex('a4c138 112233 00eb 37 64 0bb8 12'), 'A4:C1:38:99:99:99')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('another device'),
    });
    expect(parsePvvx(hex('0102030405060708')).ok).toBe(false);
    expect(parsePvvx(hex('010203')).ok).toBe(false);
  });
});

const MI_MAC = 'A4:C1:38:BF:54:5D';
const MI_KEY = hex('dc06a798095b178767c0b74185275352');

/** Builds a v5 encrypted MiBeacon frame the way the firmware does (nonce: reversed MAC, product id, frame counter, ext counter). */
function miEncrypted(
  product: number,
  frame: number,
  objects: Uint8Array,
  ext = 0x000021,
  key = MI_KEY,
): Uint8Array {
  const macRev = hex(MI_MAC.replaceAll(':', '')).reverse();
  const head = new Uint8Array([0x58, 0x58, product & 0xff, product >> 8, frame]);
  const extBytes = new Uint8Array([ext & 0xff, (ext >> 8) & 0xff, (ext >> 16) & 0xff]);
  const nonce = new Uint8Array([...macRev, head[2]!, head[3]!, frame, ...extBytes]);
  const { ct, tag } = encryptCcm(key, nonce, objects, new Uint8Array([0x11]));
  return new Uint8Array([...head, ...macRev, ...ct, ...extBytes, ...tag]);
}

describe('Xiaomi MiBeacon', () => {
  it('unencrypted v2 temperature + humidity (LYWSDCGQ, object 0x100D)', () => {
    const frame = hex('5020 aa01 17 5d54bf38c1a4 0d10 04 d200 e701');
    const r = ok(parseMiBeacon(frame, { mac: MI_MAC }));
    expect(r.encrypted).toBe(false);
    expect(values(r)).toEqual({ temperature: 21, humidity: 48.7 });
  });
  it('unencrypted battery and separate temperature/humidity objects', () => {
    expect(values(parseMiBeacon(hex('5020 aa01 18 5d54bf38c1a4 0410 02 f6ff 0a10 01 5d')))).toEqual({
      temperature: -1,
      battery: 93,
    });
  });
  it('unencrypted contact sensor (object 0x1019)', () => {
    expect(values(parseMiBeacon(hex('5020 8b09 21 5d54bf38c1a4 1910 01 00')))).toEqual({ door: true });
    expect(values(parseMiBeacon(hex('5020 8b09 22 5d54bf38c1a4 1910 01 01')))).toEqual({ door: false });
    // 2 = not closed in time, 3 = reset: no door state to report
    expect(values(parseMiBeacon(hex('5020 8b09 23 5d54bf38c1a4 1910 01 02')))).toEqual({});
  });
  it('frame without objects decodes to nothing', () => {
    expect(ok(parseMiBeacon(hex('3058 5b05 89 c7a8d938c1a4 08'))).measurements).toEqual([]);
  });
  it('v5 encrypted thermometer (LYWSD03MMC, 0x4C01 float temperature, 0x4C02 humidity)', () => {
    const objects = new Uint8Array([
      0x01,
      0x4c,
      4,
      ...new Uint8Array(new Float32Array([22.5]).buffer),
      0x02,
      0x4c,
      1,
      47,
    ]);
    const r = ok(parseMiBeacon(miEncrypted(0x055b, 0x90, objects), { bindKey: MI_KEY, mac: MI_MAC }));
    expect(r.encrypted).toBe(true);
    expect(values(r)).toEqual({ temperature: 22.5, humidity: 47 });
    expect(r.counter).toBe(0x21 * 256 + 0x90);
  });
  it('v5 encrypted contact sensor (object 0x1019: 0 open, 1 closed)', () => {
    const open = ok(
      parseMiBeacon(miEncrypted(0x098b, 3, hex('1910 01 00')), { bindKey: MI_KEY, mac: MI_MAC }),
    );
    expect(values(open)).toEqual({ door: true });
    const closed = ok(
      parseMiBeacon(miEncrypted(0x098b, 4, hex('1910 01 01')), { bindKey: MI_KEY, mac: MI_MAC }),
    );
    expect(values(closed)).toEqual({ door: false });
  });
  it('a real LYWSD03MMC capture without key asks for the bindkey; a wrong key is refused', () => {
    const capture = hex('5858 5b05 8c c7a8d938c1a4 d92d5f24a5 000000 ae9a85dd');
    expect(parseMiBeacon(capture)).toMatchObject({ ok: false, needsKey: true });
    expect(parseMiBeacon(capture, { bindKey: MI_KEY })).toMatchObject({
      ok: false,
      needsKey: true,
      reason: expect.stringContaining('wrong bindkey'),
    });
  });
  it.each([
    ['5020 aa', 'truncated'],
    ['5020 aa01 17 5d54', 'truncated'],
    ['5020 aa01 17 5d54bf38c1a4 0d10 04 d2', 'truncated'],
    ['5838 aa01 17 5d54bf38c1a4 0102', 'v3 encryption'],
  ])('rejects %j (%s)', (b, reason) => {
    const r = parseMiBeacon(hex(b), { bindKey: MI_KEY });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});

describe('decodeAdvertisement', () => {
  const adv = (sd: Record<string, string>, md: Record<number, string> = {}) => ({
    mac: 'A4:C1:38:11:22:33',
    serviceData: new Map(Object.entries(sd).map(([k, v]) => [k, hex(v)])),
    manufacturerData: new Map(Object.entries(md).map(([k, v]) => [Number(k), hex(v)])),
  });
  it('picks the parser by UUID or company id', () => {
    expect(
      ok(decodeAdvertisement(adv({ '0000fcd2-0000-1000-8000-00805f9b34fb': '40 02 ca 09' }))).format,
    ).toBe('bthome');
    expect(
      ok(decodeAdvertisement(adv({ [ENVIRONMENTAL_SENSING_UUID]: 'a4c138 112233 00eb 37 64 0bb8 12' })))
        .format,
    ).toBe('atc');
    expect(ok(decodeAdvertisement(adv({ [MIBEACON_UUID]: '3058 5b05 89 33221138c1a4 08' }))).format).toBe(
      'mibeacon',
    );
    expect(
      ok(
        decodeAdvertisement(
          adv({}, { [RUUVI_COMPANY_ID]: '0512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F' }),
        ),
      ).format,
    ).toBe('ruuvi');
    expect(decodeAdvertisement(adv({ '0000feaa-0000-1000-8000-00805f9b34fb': '00' }))).toBeNull();
  });
  it('refuses oversized payloads', () => {
    const r = decodeAdvertisement(
      adv({ '0000fcd2-0000-1000-8000-00805f9b34fb': '40' + '02ca09'.repeat(100) }),
    );
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('oversized') });
  });
});
