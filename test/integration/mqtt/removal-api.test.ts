import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/truss-harness.ts';
import { type ApiSite, pubRetained as pub, startApiSite } from './api-site.ts';

/**
 * Removal as the devices' upstreams define it, seen through the real Truss API (site.snapshot):
 * - HA MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#device-discovery-payload,
 *   home-assistant/core tests/components/mqtt/test_discovery.py): a component omitted from the
 *   device config, or given only its platform, is removed from the device; an empty retained
 *   config removes the device;
 * - Tasmota (hatasmota/discovery.py): an empty retained `tasmota/discovery/<MAC>/config` removes
 *   the device.
 * Devices are adopted through commissioning.open / commissioning.adopt as the README tells.
 */
let site: ApiSite | null = null;
afterEach(async () => {
  await site?.stop();
  site = null;
});

describe('removal through the device’s own discovery, seen in the API', () => {
  it('HA device discovery: dropped components leave the device, an empty config removes it', async () => {
    site = await startApiSite();
    const { snapshot } = site;
    const id = 'env-node-7';
    const topic = `homeassistant/device/${id}/config`;
    const sensor = (k: string) => ({
      p: 'sensor',
      uniq_id: `env7_${k}`,
      name: k,
      stat_t: `${id}/state`,
      val_tpl: `{{ value_json.${k} }}`,
      unit_of_meas: k === 'temperature' ? '°C' : '%',
      dev_cla: k,
    });
    const config = (cmps: Record<string, unknown>) => ({
      dev: { ids: ['env7-mac'], name: 'Env 7', mf: 'Acme', mdl: 'E7' },
      o: { name: 'acme' },
      cmps,
    });
    const all = { t: sensor('temperature'), h: sensor('humidity'), b: sensor('battery') };
    const { device, deviceId } = await site.adopt(id, (c) => pub(c, topic, config(all)), `ha:${id}`);
    const keysOf = async () =>
      (await snapshot()).entities
        .filter((e) => e.deviceId === deviceId)
        .map((e) => e.key)
        .sort();
    await until(async () => (await keysOf()).length === 3, 5000, 'three entities');

    // humidity given only its platform: removed
    await pub(device, topic, config({ t: all.t, h: { p: 'sensor' }, b: all.b }));
    await until(async () => !(await keysOf()).includes('env7_humidity'), 5000, 'humidity removed');
    // humidity declared again: back, with the entity id it had (its history stays linked)
    const humidityId = async () =>
      (await snapshot()).entities.find((e) => e.deviceId === deviceId && e.key === 'env7_humidity')?.id;
    await pub(device, topic, config(all));
    await until(async () => (await keysOf()).includes('env7_humidity'), 5000, 'humidity back');
    const backId = await humidityId();
    await pub(device, topic, config({ t: all.t, b: all.b }));
    await until(async () => !(await keysOf()).includes('env7_humidity'), 5000, 'humidity omitted');
    await pub(device, topic, config(all));
    await until(async () => (await humidityId()) === backId, 5000, 'same id again');
    // battery and humidity omitted: removed
    await pub(device, topic, config({ t: all.t }));
    await until(async () => (await keysOf()).join() === 'env7_temperature', 5000, 'battery removed');
    expect((await snapshot()).devices.some((d) => d.id === deviceId)).toBe(true);
    // the empty retained config: the device leaves the site
    await pub(device, topic, '');
    await until(
      async () => !(await snapshot()).devices.some((d) => d.id === deviceId),
      5000,
      'device removed',
    );
    expect((await snapshot()).entities.some((e) => e.deviceId === deviceId)).toBe(false);
  });

  it('Tasmota: an empty retained discovery config removes the device', async () => {
    site = await startApiSite();
    const { snapshot } = site;
    const mac = 'A4CF12ABC123';
    const tt = 'tasmota_ABC123';
    const cfg = {
      dn: 'Desk plug',
      fn: ['Lamp'],
      mac,
      md: 'Gosund SP1',
      sw: '14.3.0',
      t: tt,
      rl: [1],
      ofln: 'Offline',
      onln: 'Online',
      ft: '%prefix%/%topic%/',
      tp: ['cmnd', 'stat', 'tele'],
    };
    const { device, deviceId } = await site.adopt(
      'DVES_ABC123',
      (c) => pub(c, `tasmota/discovery/${mac}/config`, cfg),
      `tasmota:${mac}`,
    );
    await until(async () => (await snapshot()).devices.some((d) => d.id === deviceId), 5000, 'device');
    await pub(device, `tasmota/discovery/${mac}/config`, '');
    await until(async () => !(await snapshot()).devices.some((d) => d.id === deviceId), 5000, 'removed');
  });
});
