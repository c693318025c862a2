import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../broker/helpers.ts';
import { adoptThroughWindow, publish } from './adopt.ts';
import { type Harness, startHarness } from './harness.ts';

/**
 * Tasmota against its upstream: hatasmota (home-assistant-libs/hatasmota) is the reference.
 * - hatasmota/discovery.py: `tasmota/discovery/<MAC>/config` and `/sensors`; an empty payload removes
 *   the device (or its sensors); a config whose `mac` differs from the topic's MAC is refused.
 * - hatasmota/sensor.py: every field of every sensor group (nested objects, arrays per phase),
 *   units from SENSOR_UNIT_MAP or the device's TempUnit / PressureUnit / SpeedUnit; state from
 *   `tele/<t>/SENSOR` and the polled `stat/<t>/STATUS10` (StatusSNS).
 * - Payload shapes from https://tasmota.github.io/docs/JSON-Status-Responses/ and the sensor
 *   examples quoted in hatasmota/sensor.py (ENERGY with ExportActive/PhaseAngle, TX23 Speed).
 */
let h: Harness;
afterEach(() => h.stop());

const MAC = '3C71BF123456';
const T = 'weather_st';
const config = {
  ip: '192.168.1.60',
  dn: 'Garden station',
  fn: ['Pump', null, null, null, null, null, null, null],
  hn: 'tasmota-123456-1110',
  mac: MAC,
  md: 'Generic',
  ty: 0,
  if: 0,
  ofln: 'Offline',
  onln: 'Online',
  state: ['OFF', 'ON', 'TOGGLE', 'HOLD'],
  sw: '14.3.0',
  t: T,
  ft: '%prefix%/%topic%/',
  tp: ['cmnd', 'stat', 'tele'],
  rl: [1, 0, 0, 0, 0, 0, 0, 0],
  swc: [-1, -1, -1, -1, -1, -1, -1, -1],
  swn: [null, null, null, null, null, null, null, null],
  btn: [0, 0, 0, 0, 0, 0, 0, 0],
  so: { '4': 0, '11': 0, '13': 0, '17': 0, '20': 0, '30': 0, '68': 0, '73': 0, '82': 0, '114': 0, '117': 0 },
  lk: 0,
  lt_st: 0,
  sho: [0, 0, 0, 0],
  ver: 1,
};
/** a station on °F / mmHg / mph (SetOption8 1, SetOption24 1, SpeedUnit 4) */
const sn = {
  Time: '2024-05-01T10:00:00',
  AM2301: { Temperature: 71.6, Humidity: 45.2, DewPoint: 49.3 },
  BME280: { Temperature: 70.9, Humidity: 44.0, DewPoint: 48.1, Pressure: 760.1, SeaPressure: 761.0 },
  DS18B20: { Id: '01144A0CB2AA', Temperature: null },
  TX23: {
    Speed: { Act: 9.2, Avg: 5.3, Min: 7.6, Max: 9.2 },
    Dir: { Card: 'WSW', Deg: 247.5, Avg: 266.1, AvgCard: 'W', Min: 247.5, Max: 247.5, Range: 0 },
  },
  ENERGY: {
    TotalStartTime: '2018-11-23T15:33:47',
    Total: 0.017,
    Yesterday: 0,
    Today: 0.002,
    ExportActive: 0,
    Power: [120, 80, 0],
    Voltage: [230.1, 231.2, 229.8],
    Current: [0.52, 0.35, 0],
    Factor: 0.39,
    Frequency: 50,
    PhaseAngle: 290.45,
  },
  PMS5003: { CF1: 3, 'CF2.5': 5, CF10: 7, PM1: 3, 'PM2.5': 5, PM10: 7, 'PB0.3': 711, 'PB2.5': 2 },
  TempUnit: 'F',
  PressureUnit: 'mmHg',
  SpeedUnit: 'mph',
};

async function adoptStation() {
  return adoptThroughWindow(h, 'DVES_123456', async (fresh) => {
    await publish(fresh, `tasmota/discovery/${MAC}/config`, config, true);
    await publish(fresh, `tasmota/discovery/${MAC}/sensors`, { sn, ver: 1 }, true);
  });
}

const entity = (key: string) => h.sink.lastDevice(`tasmota:${MAC}`)?.entities.find((e) => e.key === key);

describe('Tasmota, complete against hatasmota', () => {
  it('every sensor field becomes an entity with the unit the device reports (°F, mmHg, mph), adopted through the window', async () => {
    h = await startHarness({ commissioning: true });
    const { address } = await adoptStation();
    expect(address).toBe(`tasmota:${MAC}`);
    const keys = h.sink.lastDevice(address)!.entities.map((e) => e.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POWER1',
        'AM2301.Temperature',
        'AM2301.Humidity',
        'AM2301.DewPoint',
        'BME280.Pressure',
        'BME280.SeaPressure',
        'DS18B20.Temperature',
        'DS18B20.Id',
        'TX23.Speed.Act',
        'TX23.Speed.Max',
        'TX23.Dir.Card',
        'TX23.Dir.Deg',
        'ENERGY.Total',
        'ENERGY.ExportActive',
        'ENERGY.TotalStartTime',
        'ENERGY.Power.0',
        'ENERGY.Power.2',
        'ENERGY.Voltage.1',
        'ENERGY.Factor',
        'ENERGY.PhaseAngle',
        'PMS5003.PM2.5',
        'PMS5003.PB0.3',
      ]),
    );
    // TempUnit F: °F, never °C
    expect(entity('AM2301.Temperature')).toMatchObject({ unit: '°F', deviceClass: 'temperature' });
    expect(entity('AM2301.DewPoint')).toMatchObject({ unit: '°F', deviceClass: 'temperature' });
    expect(entity('BME280.Pressure')).toMatchObject({ unit: 'mmHg', deviceClass: 'pressure' });
    expect(entity('BME280.SeaPressure')).toMatchObject({ unit: 'mmHg' });
    expect(entity('TX23.Speed.Act')).toMatchObject({ unit: 'mph' });
    expect(entity('ENERGY.Voltage.1')).toMatchObject({ unit: 'V', deviceClass: 'voltage' });
    expect(entity('ENERGY.Factor')).toMatchObject({ unit: 'Cos φ' });
    expect(entity('PMS5003.PM2.5')).toMatchObject({ unit: 'µg/m³', deviceClass: 'pm25' });
    expect(entity('PMS5003.PB0.3')).toMatchObject({ unit: 'ppd' });
    expect(entity('AM2301.Humidity')).toMatchObject({ unit: '%', deviceClass: 'humidity' });
    // Time is no sensor, nor are the unit fields
    expect(keys.some((k) => k.startsWith('Time') || k.includes('Unit'))).toBe(false);
  });

  it('tele/SENSOR and the polled stat/STATUS10 (StatusSNS) and STATUS11 (StatusSTS) are state; null reads are refused; a unit switch re-announces', async () => {
    h = await startHarness({ commissioning: true });
    const { device } = await adoptStation();
    await publish(device, `tele/${T}/SENSOR`, sn);
    await waitFor(() => h.sink.valuesOf('AM2301.DewPoint').length === 1, 3000, 'tele/SENSOR');
    expect(h.sink.valuesOf('AM2301.Temperature')).toEqual([71.6]);
    expect(h.sink.valuesOf('ENERGY.Voltage.2')).toEqual([229.8]);
    expect(h.sink.valuesOf('TX23.Dir.Card')).toEqual(['WSW']);
    // the failed DS18B20 read has an entity but no value
    expect(entity('DS18B20.Temperature')).toBeDefined();
    expect(h.sink.valuesOf('DS18B20.Temperature')).toEqual([]);

    // Status 10 reply, https://tasmota.github.io/docs/JSON-Status-Responses/#status-10
    await publish(device, `stat/${T}/STATUS10`, {
      StatusSNS: {
        ...sn,
        Time: '2024-05-01T10:05:00',
        AM2301: { Temperature: 72.5, Humidity: 46, DewPoint: 50.1 },
      },
    });
    await waitFor(() => h.sink.valuesOf('AM2301.Temperature').length === 2, 3000, 'STATUS10');
    expect(h.sink.valuesOf('AM2301.Temperature')).toEqual([71.6, 72.5]);
    // Status 11 reply (StatusSTS) carries the relay state
    await publish(device, `stat/${T}/STATUS11`, {
      StatusSTS: { Time: '2024-05-01T10:05:00', Uptime: '0T01:00:00', POWER: 'ON', Wifi: { RSSI: 70 } },
    });
    await waitFor(() => h.sink.valuesOf('POWER1').length === 1, 3000, 'STATUS11');
    expect(h.sink.valuesOf('POWER1')).toEqual([true]);
    // hatasmota's status sensors: IP from the config, Wi-Fi from STATUS11 and tele/STATE, the rest
    // from STATUS1 / STATUS2 / STATUS5 (hatasmota/status_sensor.py STATUS_PATHS and STATE_PATHS)
    expect(h.sink.valuesOf('status_ip')).toEqual(['192.168.1.60']);
    expect(h.sink.valuesOf('status_rssi')).toEqual([70]);
    await publish(device, `stat/${T}/STATUS1`, { StatusPRM: { RestartReason: 'Software/System restart' } });
    await publish(device, `stat/${T}/STATUS2`, { StatusFWR: { Version: '14.3.0(tasmota)' } });
    await publish(device, `stat/${T}/STATUS5`, {
      StatusNET: { Hostname: 'tasmota-123456', IPAddress: '192.168.1.61' },
    });
    await publish(device, `stat/${T}/STATUS11`, {
      StatusSTS: {
        UptimeSec: 3600,
        MqttCount: 2,
        Wifi: { SSId: 'site', RSSI: 64, Signal: -68, LinkCount: 3 },
      },
    });
    await publish(device, `tele/${T}/STATE`, {
      POWER: 'ON',
      MqttCount: 3,
      Wifi: { RSSI: 60, Signal: -70, LinkCount: 3 },
    });
    await waitFor(() => h.sink.valuesOf('status_mqtt_count').at(-1) === 3, 3000, 'status sensors');
    expect({
      reason: h.sink.valuesOf('status_restart_reason').at(-1),
      version: h.sink.valuesOf('status_version').at(-1),
      ip: h.sink.valuesOf('status_ip').at(-1),
      ssid: h.sink.valuesOf('status_ssid').at(-1),
      signal: h.sink.valuesOf('status_signal').at(-1),
      links: h.sink.valuesOf('status_link_count').at(-1),
      rssi: h.sink.valuesOf('status_rssi'),
    }).toEqual({
      reason: 'Software/System restart',
      version: '14.3.0(tasmota)',
      ip: '192.168.1.61',
      ssid: 'site',
      signal: -70,
      links: 3,
      rssi: [70, 64, 60],
    });
    const restart = Date.parse(String(h.sink.valuesOf('last_restart_time').at(-1)));
    expect(Math.abs(Date.now() - 3600_000 - restart)).toBeLessThan(60_000);
    expect(entity('status_signal')).toMatchObject({ unit: 'dBm', deviceClass: 'signal_strength' });
    // Status 0 (stat/STATUS) carries both
    await publish(device, `stat/${T}/STATUS`, {
      Status: { Module: 1, DeviceName: 'Garden station', Topic: T, Power: 0 },
      StatusSNS: { AM2301: { Temperature: 73, Humidity: 47, DewPoint: 51 }, TempUnit: 'F' },
      StatusSTS: { POWER: 'OFF' },
    });
    await waitFor(() => h.sink.valuesOf('POWER1').length === 3, 3000, 'STATUS');
    expect(h.sink.valuesOf('POWER1')).toEqual([true, true, false]);
    expect(h.sink.valuesOf('AM2301.Temperature').at(-1)).toBe(73);

    // the installer switches the device to °C (SetOption8 0): the unit follows, announced before the value
    await publish(device, `tele/${T}/SENSOR`, {
      AM2301: { Temperature: 22.8, Humidity: 47, DewPoint: 10.6 },
      TempUnit: 'C',
      PressureUnit: 'mmHg',
    });
    await waitFor(() => entity('AM2301.Temperature')?.unit === '°C', 3000, 'unit change');
    expect(entity('AM2301.DewPoint')!.unit).toBe('°C');
    expect(h.sink.valuesOf('AM2301.Temperature').at(-1)).toBe(22.8);
    // a unit Tasmota does not have is refused: the last known unit stays
    await publish(device, `tele/${T}/SENSOR`, { AM2301: { Temperature: 23 }, TempUnit: 'X' });
    await waitFor(() => h.sink.valuesOf('AM2301.Temperature').at(-1) === 23, 3000, 'bad unit');
    expect(entity('AM2301.Temperature')!.unit).toBe('°C');
  });

  it('a sensors message before its config is kept for it (retained order is not guaranteed)', async () => {
    h = await startHarness();
    const dev = await h.device(
      T,
      {},
      {
        publish: [`tasmota/discovery/${MAC}/#`, `tele/${T}/#`, `stat/${T}/#`],
        subscribe: [`cmnd/${T}/#`],
      },
    );
    const other = await h.device('other', {}, { publish: [`tasmota/discovery/#`], subscribe: [] });
    // another client's early sensors message is not taken for the device
    await publish(other, `tasmota/discovery/${MAC}/sensors`, { sn: { Fake: { Temperature: 1 } }, ver: 1 });
    await publish(dev, `tasmota/discovery/${MAC}/sensors`, { sn, ver: 1 });
    await publish(dev, `tasmota/discovery/${MAC}/config`, config);
    await waitFor(() => entity('AM2301.DewPoint'), 3000, 'sensors with the config');
    expect(entity('AM2301.DewPoint')!.unit).toBe('°F');
    expect(entity('Fake.Temperature')).toBeUndefined();
  });

  it('an empty retained config removes the device; an empty sensors message its sensors', async () => {
    h = await startHarness({ commissioning: true });
    const { device, address } = await adoptStation();
    await publish(device, `tasmota/discovery/${MAC}/sensors`, '', true);
    await waitFor(() => h.sink.lastDevice(address)!.entities.length === 10, 3000, 'sensors removed');
    expect(h.sink.lastDevice(address)!.entities.map((e) => e.key)).toEqual([
      'POWER1',
      'status_ip',
      'last_restart_time',
      'status_link_count',
      'status_mqtt_count',
      'status_restart_reason',
      'status_rssi',
      'status_signal',
      'status_ssid',
      'status_version',
    ]);
    expect(h.sink.droppedEntities.at(-1)?.keys).toContain('AM2301.DewPoint');
    await publish(device, `tasmota/discovery/${MAC}/config`, '', true);
    await waitFor(() => h.sink.removed.includes(address), 3000, 'device removed');
    // nothing from it is state any more
    const before = h.sink.states.length;
    await publish(device, `stat/${T}/POWER`, 'ON');
    await sleep(150);
    expect(h.sink.states.length).toBe(before);
    // and it can come back by announcing itself again
    await publish(device, `tasmota/discovery/${MAC}/config`, config, true);
    await waitFor(() => h.sink.announced.filter((d) => d.address === address).length >= 3, 3000, 'back');
  });

  it('a config whose mac differs from its topic is refused with a reason, at the window and after adoption', async () => {
    h = await startHarness({ commissioning: true });
    await h.adapter.commissioning!.open(60);
    const { connectClient, endClient } = await import('../broker/helpers.ts');
    const fresh = await connectClient(h.port, { clientId: 'DVES_FFFFFF' });
    // announces another device's MAC in its topic
    await publish(fresh, `tasmota/discovery/A4CF12FFFFFF/config`, config, true);
    await sleep(200);
    // no adoptable candidate: a failed one that says why
    expect(h.adapter.commissioning!.candidates()).toMatchObject([
      { id: 'refused:DVES_FFFFFF', status: 'failed' },
    ]);
    expect(h.adapter.commissioning!.candidates()[0]!.error).toMatch(
      /MAC mismatch: the topic says A4CF12FFFFFF/,
    );
    expect(
      h.lines.some((l) => String(l.obj.reason ?? '').includes('MAC mismatch: the topic says A4CF12FFFFFF')),
    ).toBe(true);
    await endClient(fresh);
    await h.adapter.commissioning!.close();

    const { device, address } = await adoptStation();
    await publish(device, `tasmota/discovery/${MAC}/config`, { ...config, mac: 'A4CF12000000', dn: 'spoof' });
    await waitFor(
      () =>
        h.lines.some(
          (l) => l.msg === 'device message rejected' && String(l.obj.reason).includes('MAC mismatch'),
        ),
      3000,
      'refusal',
    );
    expect(h.sink.lastDevice(address)!.name).toBe('Garden station');
    expect(h.adapter.diagnostics().families).toMatchObject({
      tasmota: { lastRejection: expect.stringContaining('MAC mismatch') },
    });
  });

  it('hostile status and sensor bodies: bounded, refused with reasons, nothing polluted', async () => {
    h = await startHarness({ commissioning: true });
    const { device, address } = await adoptStation();
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 400; i++) wide[`S${i}`] = { Temperature: i, Humidity: i, DewPoint: i };
    await publish(device, `stat/${T}/STATUS10`, { StatusSNS: wide });
    await publish(device, `stat/${T}/STATUS10`, JSON.stringify({ StatusSNS: { pad: 'x'.repeat(70_000) } }));
    await publish(
      device,
      `tele/${T}/SENSOR`,
      '{"__proto__":{"Temperature":1},"AM2301":{"constructor":{"x":1},"Temperature":"inf"},"TempUnit":{"x":1}}',
    );
    await publish(device, `stat/${T}/STATUS11`, '{"StatusSTS": ');
    await publish(device, `stat/${T}/STATUS99999`, { StatusSNS: { AM2301: { Temperature: 5 } } });
    await sleep(300);
    // at most 128 sensor entities, however wide the body
    const sensors = h.sink.lastDevice(address)!.entities.filter((e) => e.key.includes('.'));
    expect(sensors.length).toBeLessThanOrEqual(128);
    expect(h.sink.valuesOf('AM2301.Temperature')).toEqual([]);
    expect(({} as Record<string, unknown>).Temperature).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const reasons = h.lines
      .filter((l) => l.msg === 'device message rejected')
      .map((l) => String(l.obj.reason));
    expect(reasons).toEqual(
      expect.arrayContaining([
        'payload over 64 KiB',
        'AM2301.Temperature: inf is not a measurement',
        'bad JSON',
      ]),
    );
    expect(entity('AM2301.Temperature')!.unit).toBe('°F');
    expect(h.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
