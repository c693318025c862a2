import { describe, expect, it } from 'vitest';
import { parseBTHome } from '../../../adapters/ble/bthome.ts';
import { BTHOME_OBJECTS } from '../../../adapters/ble/bthome-objects.ts';
import type { Decoded, ParseResult } from '../../../adapters/ble/measurement.ts';
import { ReplayGuard } from '../../../adapters/ble/replay-guard.ts';
import { encryptCcm, hex } from './ccm-fixture.ts';

const ok = (r: ParseResult): Decoded => {
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  return r;
};
const values = (r: ParseResult) => Object.fromEntries(ok(r).measurements.map((m) => [m.key, m.value]));

// Vectors from the BTHome v2 format page (bthome.io/format): one object after the 0x40 info byte.
const SPEC_VECTORS: [string, string, number | boolean | string, string | null][] = [
  ['01 61', 'battery', 97, '%'],
  ['02 ca 09', 'temperature', 25.06, '°C'],
  ['03 bf 13', 'humidity', 50.55, '%'],
  ['04 13 8a 01', 'pressure', 1008.83, 'hPa'],
  ['05 13 8a 14', 'illuminance', 13460.67, 'lx'],
  ['06 5e 1f', 'mass', 80.3, 'kg'],
  ['07 3e 1d', 'mass_lb', 74.86, 'lb'],
  ['08 ca 06', 'dew_point', 17.38, '°C'],
  ['09 60', 'count', 96, null],
  ['0a 13 8a 14', 'energy', 1346.067, 'kWh'],
  ['0b 02 1b 00', 'power', 69.14, 'W'],
  ['0c 02 0c', 'voltage', 3.074, 'V'],
  ['0d 12 0c', 'pm25', 3090, 'µg/m³'],
  ['0e 02 1c', 'pm10', 7170, 'µg/m³'],
  ['12 e2 04', 'co2', 1250, 'ppm'],
  ['13 33 01', 'tvoc', 307, 'µg/m³'],
  ['14 02 0c', 'moisture', 30.74, '%'],
  ['2e 23', 'humidity', 35, '%'],
  ['2f 23', 'moisture', 35, '%'],
  ['3a 01', 'button', 'press', null],
  ['3a 80', 'button', 'hold_press', null],
  ['3c 01 03', 'dimmer', 'rotate_left:3', null],
  ['3d 09 60', 'count', 24585, null],
  ['3e 2a 2c 09 60', 'count', 1611213866, null],
  ['3f 02 0c', 'rotation', 307.4, '°'],
  ['40 0c 00', 'distance', 12, 'mm'],
  ['41 4e 00', 'distance', 7.8, 'm'],
  ['42 4e 34 00', 'duration', 13.39, 's'],
  ['43 4e 34', 'current', 13.39, 'A'],
  ['44 4e 34', 'speed', 133.9, 'm/s'],
  ['45 11 01', 'temperature', 27.3, '°C'],
  ['46 32', 'uv_index', 5, null],
  ['47 87 56', 'volume', 2215.1, 'L'],
  ['48 dc 87', 'volume', 34780, 'mL'],
  ['49 dc 87', 'volume_flow_rate', 34.78, 'm³/h'],
  ['4a 02 0c', 'voltage', 307.4, 'V'],
  ['4b 13 8a 14', 'gas', 1346.067, 'm³'],
  ['4c 41 01 8a 01', 'gas', 25821.505, 'm³'],
  ['4d 12 13 8a 14', 'energy', 344593.17, 'kWh'],
  ['4e 87 56 2a 01', 'volume', 19551.879, 'L'],
  ['4f 87 56 2a 01', 'water', 19551.879, 'L'],
  ['50 5d 39 61 64', 'timestamp', 1684093277, 's'],
  ['51 87 56', 'acceleration', 22.151, 'm/s²'],
  ['52 87 56', 'gyroscope', 22.151, '°/s'],
  ['53 0c 48 65 6c 6c 6f 20 57 6f 72 6c 64 21', 'text', 'Hello World!', null],
  ['54 03 01 02 ff', 'raw', '0102ff', null],
  ['55 87 56 2a 01', 'volume_storage', 19551.879, 'L'],
  ['56 04 13', 'conductivity', 4868, 'µS/cm'],
  ['57 ea', 'temperature', -22, '°C'],
  ['58 ea', 'temperature', -7.7, '°C'],
  ['59 ea', 'count', -22, null],
  ['5a ea ff', 'count', -22, null],
  ['5b ea ff ff ff', 'count', -22, null],
  ['5c 02 1b 00 00', 'power', 69.14, 'W'],
  ['5d 4e 34', 'current', 13.39, 'A'],
  ['5e 9f 8a', 'direction', 354.87, '°'],
  ['5f 3c 02', 'precipitation', 57.2, 'mm'],
  ['60 01', 'channel', 1, null],
  ['61 87 56', 'rotational_speed', 22151, 'rpm'],
  ['f0 01 00', 'device_type_id', 1, null],
  ['f2 00 01 02', 'firmware_version', 131328, null],
];

describe('parseBTHome (plain)', () => {
  it.each(SPEC_VECTORS)('object %s decodes to %s = %s %s', (bytes, key, value, unit) => {
    const r = ok(parseBTHome(hex(`40 ${bytes}`)));
    expect(r.measurements).toHaveLength(1);
    expect(r.measurements[0]).toMatchObject({ key, value, unit });
  });

  it('every binary-sensor id decodes 0/1 to false/true', () => {
    const binaries = [...BTHOME_OBJECTS].filter(([, o]) => o.kind === 'binary_sensor');
    expect(binaries.length).toBe(28);
    for (const [id, o] of binaries) {
      expect(values(parseBTHome(new Uint8Array([0x40, id, 1])))).toEqual({ [o.key]: true });
      expect(values(parseBTHome(new Uint8Array([0x40, id, 0])))).toEqual({ [o.key]: false });
    }
  });

  it('decodes a full sensor packet with packet id, battery, temperature and humidity', () => {
    const r = ok(parseBTHome(hex('40 00 01 01 61 02 ca 09 03 bf 13')));
    expect(r.packetId).toBe(1);
    expect(r.encrypted).toBe(false);
    expect(values(r)).toEqual({ battery: 97, temperature: 25.06, humidity: 50.55 });
    expect(r.measurements.find((m) => m.key === 'battery')?.kind).toBe('battery');
  });

  it('names repeated objects as channels', () => {
    expect(values(parseBTHome(hex('40 02 ca 09 02 cf 09')))).toEqual({
      temperature: 25.06,
      temperature_2: 25.11,
    });
  });

  it('keeps what precedes an unknown object id and stops there', () => {
    expect(values(parseBTHome(hex('40 02 ca 09 7f 01 02')))).toEqual({ temperature: 25.06 });
  });

  it.each([
    ['', 'empty'],
    ['20 02 ca 09', 'version 1'],
    ['40 02 ca', 'truncated'],
    ['40 53 0c 48 65', 'truncated'],
    ['40 53', 'truncated'],
    ['40 7f 01', 'unknown BTHome object id 0x7f'],
  ])('rejects %j (%s)', (bytes, reason) => {
    const r = parseBTHome(hex(bytes));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('never throws on random garbage', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 8) & 0xff;
    for (let i = 0; i < 5000; i++) {
      const data = Uint8Array.from({ length: rnd() % 40 }, rnd);
      expect(() =>
        parseBTHome(data, { bindKey: new Uint8Array(16), mac: '00:11:22:33:44:55' }),
      ).not.toThrow();
    }
  });
});

// The encrypted example of the BTHome v2 spec (and bthome-ble's tests).
const KEY = hex('231d39c1d7cc1ab1aee224cd096db932');
const MAC = '54:48:E6:8F:80:A5';
const SPEC_ENCRYPTED = hex('41 a4 72 66 c9 5f 73 00 11 22 33 78 23 72 14');

function encryptBTHome(plain: Uint8Array, counter: number, key = KEY): Uint8Array {
  const cnt = new Uint8Array(4);
  new DataView(cnt.buffer).setUint32(0, counter, true);
  const nonce = new Uint8Array([...hex(MAC.replaceAll(':', '')), 0xd2, 0xfc, 0x41, ...cnt]);
  const { ct, tag } = encryptCcm(key, nonce, plain);
  return new Uint8Array([0x41, ...ct, ...cnt, ...tag]);
}

describe('parseBTHome (encrypted)', () => {
  it('decrypts the specification example', () => {
    const r = ok(parseBTHome(SPEC_ENCRYPTED, { bindKey: KEY, mac: MAC }));
    expect(r.encrypted).toBe(true);
    expect(r.counter).toBe(0x33221100);
    expect(values(r)).toEqual({ temperature: 25.06, humidity: 50.55 });
  });

  it('asks for a key when none is given', () => {
    const r = parseBTHome(SPEC_ENCRYPTED);
    expect(r).toMatchObject({
      ok: false,
      needsKey: true,
      reason: expect.stringContaining('bindkey is needed'),
    });
  });

  it('rejects a wrong key, a short key, a tampered payload and a missing MAC with a reason', () => {
    const wrong = parseBTHome(SPEC_ENCRYPTED, { bindKey: hex('00112233445566778899aabbccddeeff'), mac: MAC });
    expect(wrong).toMatchObject({
      ok: false,
      needsKey: true,
      reason: expect.stringContaining('wrong bindkey'),
    });
    expect(parseBTHome(SPEC_ENCRYPTED, { bindKey: KEY.subarray(0, 8), mac: MAC })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('16 bytes'),
    });
    const tampered = SPEC_ENCRYPTED.slice();
    tampered[3]! ^= 1;
    expect(parseBTHome(tampered, { bindKey: KEY, mac: MAC }).ok).toBe(false);
    expect(parseBTHome(SPEC_ENCRYPTED, { bindKey: KEY, mac: '11:22:33:44:55:66' }).ok).toBe(false);
    expect(parseBTHome(SPEC_ENCRYPTED, { bindKey: KEY })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('MAC'),
    });
    expect(parseBTHome(hex('41 01 02 03'), { bindKey: KEY, mac: MAC })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('truncated'),
    });
  });

  it('a replayed or older counter is refused by the guard, a newer one and a restart at 0 pass', () => {
    const guard = new ReplayGuard();
    const at = (counter: number) =>
      ok(parseBTHome(encryptBTHome(hex('02 ca 09'), counter), { bindKey: KEY, mac: MAC }));
    const first = at(10);
    expect(guard.check(MAC, first.packetId, first.counter)).toEqual({ ok: true });
    const replay = at(10);
    expect(guard.check(MAC, replay.packetId, replay.counter)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('replayed'),
    });
    expect(guard.check(MAC, null, at(9).counter).ok).toBe(false);
    expect(guard.check(MAC, null, at(11).counter).ok).toBe(true);
    expect(guard.check(MAC, null, at(0).counter).ok).toBe(true);
  });

  it('the guard drops a repeated packet id of plain packets and passes the next one', () => {
    const guard = new ReplayGuard();
    const p = (id: number) => ok(parseBTHome(new Uint8Array([0x40, 0x00, id, 0x02, 0xca, 0x09])));
    expect(guard.check('A', p(5).packetId, null).ok).toBe(true);
    expect(guard.check('A', p(5).packetId, null)).toMatchObject({
      ok: false,
      reason: 'duplicate packet id 5',
    });
    expect(guard.check('A', p(6).packetId, null).ok).toBe(true);
    expect(guard.check('B', p(6).packetId, null).ok).toBe(true);
  });
});
