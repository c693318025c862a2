import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/truss-harness.ts';
import { type ApiSite, pubRetained, startApiSite } from './api-site.ts';

/**
 * The Wi-Fi families seen through the real Truss API after adoption through the window:
 * - Tasmota on °F (hatasmota/sensor.py SENSOR_DYNAMIC_UNIT_MAP: the unit is the device's
 *   TempUnit), its DewPoint (hatasmota/const.py SENSOR_DEWPOINT), and the polled stat/STATUS10
 *   reply (StatusSNS, hatasmota's state_topic2);
 * - a Shelly whose only frame is a NotifyStatus
 *   (https://shelly-api-docs.shelly.cloud/gen2/General/Notifications) and its
 *   `<prefix>/status/<component>` messages (https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Mqtt);
 * - an HA discovery cover (https://www.home-assistant.io/integrations/cover.mqtt/).
 */
let site: ApiSite | null = null;
afterEach(async () => {
  await site?.stop();
  site = null;
});

const pub = (c: Parameters<typeof pubRetained>[0], topic: string, body: unknown) =>
  c.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });

async function entityOf(s: ApiSite, deviceId: string, key: string) {
  return until(
    async () => (await s.snapshot()).entities.find((e) => e.deviceId === deviceId && e.key === key),
    5000,
    `entity ${key}`,
  );
}
const valueOf = async (s: ApiSite, entityId: string) => (await s.snapshot()).states[entityId]?.value;

describe('Wi-Fi families through the API', () => {
  it('Tasmota on °F: the entities carry °F, tele/SENSOR and stat/STATUS10 are state', async () => {
    site = await startApiSite();
    const mac = 'A4CF12F0F0F0';
    const t = 'tasmota_F0F0F0';
    const config = {
      dn: 'Attic',
      fn: [null],
      mac,
      md: 'Generic',
      sw: '14.3.0',
      t,
      rl: [0],
      ofln: 'Offline',
      onln: 'Online',
      ft: '%prefix%/%topic%/',
      tp: ['cmnd', 'stat', 'tele'],
      ip: '192.168.1.70',
    };
    const sn = {
      Time: '2024-05-01T10:00:00',
      SHT3X: { Temperature: null, Humidity: null, DewPoint: null },
      TempUnit: 'F',
    };
    const { device, deviceId } = await site.adopt(
      'DVES_F0F0F0',
      async (c) => {
        await pubRetained(c, `tasmota/discovery/${mac}/config`, config);
        await pubRetained(c, `tasmota/discovery/${mac}/sensors`, { sn, ver: 1 });
      },
      `tasmota:${mac}`,
    );
    const temp = await entityOf(site, deviceId, 'SHT3X.Temperature');
    const dew = await entityOf(site, deviceId, 'SHT3X.DewPoint');
    expect(temp.unit).toBe('°F');
    expect(dew.unit).toBe('°F');
    await pub(device, `tele/${t}/SENSOR`, {
      ...sn,
      SHT3X: { Temperature: 71.2, Humidity: 40.1, DewPoint: 45.9 },
    });
    await until(async () => (await valueOf(site!, dew.id)) === 45.9, 5000, 'dew point');
    await pub(device, `stat/${t}/STATUS10`, {
      StatusSNS: { ...sn, SHT3X: { Temperature: 72.4, Humidity: 41, DewPoint: 47.1 } },
    });
    await until(async () => (await valueOf(site!, temp.id)) === 72.4, 5000, 'STATUS10');
    const ip = await entityOf(site, deviceId, 'status_ip');
    expect(await valueOf(site, ip.id)).toBe('192.168.1.70');
  });

  it('Shelly adopted from a lone NotifyStatus; <prefix>/status/<component> keeps it current', async () => {
    site = await startApiSite();
    const id = 'shellyplus1pm-c4d8d5a0b1c2';
    const { device, deviceId } = await site.adopt(
      id,
      (c) =>
        c.publishAsync(
          `${id}/events/rpc`,
          JSON.stringify({
            src: id,
            dst: `${id}/events`,
            method: 'NotifyStatus',
            params: { ts: 1716200000, 'switch:0': { id: 0, output: true, apower: 12.5, voltage: 231.4 } },
          }),
          { qos: 1 },
        ),
      `shelly:${id}`,
    );
    const sw = await entityOf(site, deviceId, 'switch:0');
    const volts = await entityOf(site, deviceId, 'switch:0/voltage');
    expect(sw.kind).toBe('switch');
    expect(volts.unit).toBe('V');
    await pub(device, `${id}/status/switch:0`, {
      id: 0,
      source: 'button',
      output: false,
      apower: 0,
      voltage: 229.9,
      current: 0,
      aenergy: { total: 2500, by_minute: [0, 0, 0], minute_ts: 1716200060 },
      temperature: { tC: 38.5, tF: 101.3 },
    });
    const energy = await entityOf(site, deviceId, 'switch:0/energy');
    await until(async () => (await valueOf(site!, energy.id)) === 2.5, 5000, 'energy');
    expect(await valueOf(site, sw.id)).toBe(false);
    expect(await valueOf(site, volts.id)).toBe(229.9);
  });
});
