import { afterEach, describe, expect, it } from 'vitest';
import type mqtt from 'mqtt';
import { createAclOracle } from '../../../main/core/broker/index.ts';
import type { DeviceAccess, DeviceConnectionSettings } from '../../../shared/adapter/contract.ts';
import { connectClient, endClient, sleep, waitFor } from '../broker/helpers.ts';
import { type Harness, startHarness } from './harness.ts';

/**
 * Adoption of Wi-Fi devices whose topics do not follow their client id, through the real
 * enrollment window of the embedded broker: the ACL is derived from what each device announced,
 * adoption is all or nothing, and the device's login can be inspected, edited and revoked.
 */
let h: Harness;
afterEach(() => h.stop());

const start = () => startHarness({ commissioning: true, mqttAcl: (s) => createAclOracle(s) });
const commissioning = () => h.adapter.commissioning!;
const access = (): DeviceAccess => h.adapter.access!;
const json = (v: unknown) => JSON.stringify(v);

/** connects without a credential while the window is open and publishes the announcements */
async function enroll(clientId: string, frames: Array<[string, string]>): Promise<mqtt.MqttClient> {
  const c = await connectClient(h.port, { clientId });
  h.clients.push(c);
  for (const [topic, payload] of frames) await c.publishAsync(topic, payload, { qos: 1, retain: true });
  return c;
}

async function adopt(
  candidateId: string,
): Promise<{ address: string; connection: DeviceConnectionSettings }> {
  return (await commissioning().adopt(candidateId, {})) as {
    address: string;
    connection: DeviceConnectionSettings;
  };
}

async function reconnect(old: mqtt.MqttClient, conn: DeviceConnectionSettings): Promise<mqtt.MqttClient> {
  await endClient(old);
  const c = await connectClient(h.port, {
    clientId: conn.clientId,
    username: conn.username,
    password: conn.password,
  });
  h.clients.push(c);
  return c;
}

/*
 * ESPHome (esphome/components/mqtt/mqtt_component.cpp, https://esphome.io/components/mqtt.html):
 * client id `<name>-<mac>`, topic prefix `<name>`, availability `<name>/status`, discovery under
 * `<prefix>/<component>/<name>/<object_id>/config`, `dev.ids` a plain string.
 */
const ESP = 'livingroom';
const ESP_CLIENT = 'livingroom-a4cf12aabbcc';
const espDevice = {
  ids: 'a4cf12aabbcc',
  name: ESP,
  sw: 'esphome v2024.6.0',
  mdl: 'esp32dev',
  mf: 'espressif',
};
const espTemperature = {
  dev_cla: 'temperature',
  unit_of_meas: '°C',
  stat_cla: 'measurement',
  name: 'Temperature',
  stat_t: `${ESP}/sensor/temperature/state`,
  avty_t: `${ESP}/status`,
  uniq_id: 'ESPsensortemperature',
  dev: espDevice,
};
const espRelay = {
  name: 'Relay',
  stat_t: `${ESP}/switch/relay/state`,
  cmd_t: `${ESP}/switch/relay/command`,
  avty_t: `${ESP}/status`,
  uniq_id: 'ESPswitchrelay',
  dev: espDevice,
};
const espFrames: Array<[string, string]> = [
  [`homeassistant/sensor/${ESP}/temperature/config`, json(espTemperature)],
  [`homeassistant/switch/${ESP}/relay/config`, json(espRelay)],
];

describe('the ACL follows what the device announced', () => {
  it('ESPHome (<name>-<mac> client id, topics under <name>/): adopted, works, and its ACL is shown', async () => {
    h = await start();
    await commissioning().open(60);
    const fresh = await enroll(ESP_CLIENT, espFrames);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    expect(cand).toMatchObject({ id: `ha:${ESP_CLIENT}`, status: 'ready' });
    const { address, connection } = await adopt(cand.id);
    expect(address).toBe('a4cf12aabbcc');
    expect(connection).toMatchObject({ username: ESP_CLIENT, clientId: ESP_CLIENT });
    expect(await h.store.get(ESP_CLIENT)).toMatchObject({
      publish: [`homeassistant/+/${ESP}/+/config`, `${ESP}/#`],
      subscribe: [`${ESP}/switch/relay/command`, 'homeassistant/status'],
    });
    expect(
      h.sink
        .lastDevice(address)
        ?.entities.map((e) => e.key)
        .sort(),
    ).toEqual(['ESPsensortemperature', 'ESPswitchrelay']);

    const esp = await reconnect(fresh, connection);
    const cmds: string[] = [];
    esp.on('message', (t, p) => cmds.push(`${t}=${p.toString()}`));
    await esp.subscribeAsync(`${ESP}/switch/relay/command`, { qos: 1 });
    await esp.publishAsync(`${ESP}/status`, 'online', { qos: 1, retain: true });
    await esp.publishAsync(`${ESP}/sensor/temperature/state`, '21.5', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('ESPsensortemperature').includes(21.5), 3000, 'temperature');
    await h.adapter.execute(address, 'ESPswitchrelay', { type: 'turn_on' });
    await waitFor(() => cmds.length === 1, 3000, 'command');
    expect(cmds).toEqual([`${ESP}/switch/relay/command=ON`]);

    // traffic outside the ACL is refused by the broker and shown in the device's access report
    await esp.publishAsync('kitchen/sensor/temperature/state', '99', { qos: 1 });
    const info = await waitFor(
      async () => {
        const a = await access().get(address);
        return a.outside.length > 0 ? a : undefined;
      },
      3000,
      'refused traffic',
    );
    expect(info).toMatchObject({
      username: ESP_CLIENT,
      active: true,
      outside: [{ kind: 'publish', topic: 'kitchen/sensor/temperature/state', count: 1 }],
    });
    expect(h.sink.valuesOf('ESPsensortemperature')).not.toContain(99);
  });

  it('Tasmota with a custom FullTopic (%topic%/%prefix%/): the ACL follows the announced ft and tp', async () => {
    h = await start();
    const mac = 'A4CF121A2B3C';
    const t = 'garage_plug';
    // https://tasmota.github.io/docs/MQTT/#fulltopic and hatasmota utils.get_topic_*
    const cfg = {
      ip: '192.168.1.51',
      dn: 'Garage plug',
      fn: ['Plug'],
      hn: 'garage-2876',
      mac,
      md: 'Sonoff S31',
      ofln: 'Offline',
      onln: 'Online',
      sw: '13.1.0',
      t,
      ft: '%topic%/%prefix%/',
      tp: ['cmnd', 'stat', 'tele'],
      rl: [1, 0, 0, 0, 0, 0, 0, 0],
      lt_st: 0,
      ver: 1,
    };
    await commissioning().open(60);
    const fresh = await enroll('DVES_1A2B3C', [[`tasmota/discovery/${mac}/config`, json(cfg)]]);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    const { connection } = await adopt(cand.id);
    expect(await h.store.get('DVES_1A2B3C')).toMatchObject({
      publish: [`tasmota/discovery/${mac}/#`, `${t}/tele/#`, `${t}/stat/#`],
      subscribe: [`${t}/cmnd/#`],
    });
    const plug = await reconnect(fresh, connection);
    const cmds: string[] = [];
    plug.on('message', (topic, p) => cmds.push(`${topic}=${p.toString()}`));
    await plug.subscribeAsync(`${t}/cmnd/#`, { qos: 1 });
    await plug.publishAsync(`${t}/stat/POWER`, 'ON', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('POWER1').includes(true), 3000, 'state');
    await h.adapter.execute(`tasmota:${mac}`, 'POWER1', { type: 'turn_off' });
    await waitFor(() => cmds.length === 1, 3000, 'command');
    expect(cmds).toEqual([`${t}/cmnd/POWER1=OFF`]);
  });

  it("Tasmota's legacy HA discovery (SetOption19): configs under homeassistant/, commands under cmnd/<topic>/", async () => {
    h = await start();
    const t = 'tasmota_5C3D1E';
    // the legacy format (Tasmota xdrv_12_home_assistant.ino before 9.2): explicit stat/tele/cmnd topics
    const relay = {
      name: 'Hall light',
      cmd_t: `cmnd/${t}/POWER`,
      stat_t: `tele/${t}/STATE`,
      val_tpl: '{{value_json.POWER}}',
      pl_off: 'OFF',
      pl_on: 'ON',
      avty_t: `tele/${t}/LWT`,
      pl_avail: 'Online',
      pl_not_avail: 'Offline',
      uniq_id: '5C3D1E_RL_1',
      dev: { ids: ['5C3D1E'], name: 'Hall', mdl: 'Sonoff Basic', sw: '8.5.1', mf: 'Tasmota' },
    };
    await commissioning().open(60);
    const fresh = await enroll('DVES_5C3D1E', [[`homeassistant/switch/5C3D1E_RL_1/config`, json(relay)]]);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    const { connection } = await adopt(cand.id);
    expect(await h.store.get('DVES_5C3D1E')).toMatchObject({
      publish: ['homeassistant/switch/5C3D1E_RL_1/config', `tele/${t}/#`],
      subscribe: [`cmnd/${t}/POWER`, 'homeassistant/status'],
    });
    const dev = await reconnect(fresh, connection);
    await dev.publishAsync(`tele/${t}/STATE`, json({ POWER: 'ON' }), { qos: 1 });
    await waitFor(() => h.sink.valuesOf('5C3D1E_RL_1').includes(true), 3000, 'state');
  });
});

describe('adoption never hands out a shared or foreign topic space', () => {
  it("a 'thermometer' claiming another device's command topic is refused, naming the owner; nothing is stored", async () => {
    h = await start();
    // an adopted demo light owns truss-sim/light1/#
    await h.device(
      'truss-sim-light1',
      {},
      { publish: ['truss-sim/light1/#'], subscribe: ['truss-sim/light1/#'] },
    );
    await commissioning().open(60);
    await enroll('truss-sim', [
      [
        'homeassistant/sensor/kitchen/temp/config',
        json({
          name: 'Kitchen thermometer',
          uniq_id: 'kitchen_temp',
          stat_t: 'truss-sim/light1/set',
          dev: { ids: 'kitchen-thermo', name: 'Kitchen thermometer' },
        }),
      ],
    ]);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    await expect(adopt(cand.id)).rejects.toThrow(
      /truss-sim\/light1\/set overlaps truss-sim\/light1\/#.*truss-sim-light1/,
    );
    expect(await h.store.get('truss-sim')).toBeNull();
    expect(h.sink.announced).toEqual([]);
  });

  it('a Tasmota whose FullTopic has no %topic% (everything under cmnd/#) is refused', async () => {
    h = await start();
    const mac = 'A4CF12000001';
    await commissioning().open(60);
    await enroll('DVES_000001', [
      [
        `tasmota/discovery/${mac}/config`,
        json({
          dn: 'Evil',
          mac,
          t: 'x',
          ft: '%prefix%/',
          tp: ['cmnd', 'stat', 'tele'],
          rl: [1],
          hn: 'h',
          sw: '13',
        }),
      ],
    ]);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    await expect(adopt(cand.id)).rejects.toThrow(/shared topic root "(tele|stat|cmnd)"/);
    expect(await h.store.get('DVES_000001')).toBeNull();
  });

  it('an installer edit is checked the same way, then applied (the device reconnects under it)', async () => {
    h = await start();
    await h.device('other', {}, { publish: ['other/#'], subscribe: ['other/#'] });
    await commissioning().open(60);
    const fresh = await enroll(ESP_CLIENT, espFrames);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    const { address, connection } = await adopt(cand.id);
    await expect(access().set(address, { publish: ['cmnd/#'], subscribe: [] })).rejects.toThrow(
      /shared topic root "cmnd"/,
    );
    await expect(access().set(address, { publish: ['other/x'], subscribe: [] })).rejects.toThrow(
      /belongs to the device "other"/,
    );
    await expect(access().set(address, { publish: ['a/#/b'], subscribe: [] })).rejects.toThrow(/# not alone/);
    await expect(access().set(address, { publish: ['$SYS/#'], subscribe: [] })).rejects.toThrow(/\$ topic/);
    const esp = await reconnect(fresh, connection);
    const closed = new Promise<void>((resolve) => esp.once('close', () => resolve()));
    const edited = await access().set(address, {
      publish: [`homeassistant/+/${ESP}/+/config`, `${ESP}/#`, 'home/livingroom/#'],
      subscribe: [`${ESP}/#`, 'homeassistant/status'],
    });
    expect(edited.publish).toContain('home/livingroom/#');
    expect((await h.store.get(ESP_CLIENT))!.subscribe).toEqual([`${ESP}/#`, 'homeassistant/status']);
    await closed; // the session under the old ACL is closed; it reconnects under the new one
  });
});

describe('adoption is all or nothing, and reversible', () => {
  it('refused configs: no credential is left, the reasons are returned, and the same client can try again', async () => {
    h = await start();
    await commissioning().open(60);
    await enroll('bad-node', [
      // a wildcard state topic, a config without unique_id, and an unsupported platform
      [
        'homeassistant/sensor/bad/a/config',
        json({ name: 'A', uniq_id: 'bad_a', stat_t: 'bad/+/state', dev: { ids: 'bad' } }),
      ],
      ['homeassistant/sensor/bad/b/config', json({ name: 'B', stat_t: 'bad/b/state', dev: { ids: 'bad' } })],
      ['homeassistant/vacuum/bad/c/config', json({ name: 'C', uniq_id: 'bad_c', stat_t: 'bad/c/state' })],
    ]);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    const err = (await adopt(cand.id).then(
      () => null,
      (e: unknown) => e as Error,
    ))!;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/wildcard/);
    expect(err.message).toMatch(/no unique_id/);
    expect(err.message).toMatch(/unsupported platform "vacuum"/);
    expect(await h.store.get('bad-node')).toBeNull();
    expect(h.sink.announced).toEqual([]);
    // not locked out: the client may enroll again in a later window
    await commissioning().close();
    await commissioning().open(60);
    await enroll('bad-node', [
      [
        'homeassistant/sensor/bad/a/config',
        json({ name: 'A', uniq_id: 'bad_a', stat_t: 'bad/a/state', dev: { ids: 'bad' } }),
      ],
    ]);
    const again = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate again');
    expect((await adopt(again.id)).address).toBe('bad');
  });

  it('a Tasmota config whose MAC does not match its topic shows as a failed candidate with the reason', async () => {
    h = await start();
    await commissioning().open(60);
    await enroll('DVES_AAAAAA', [
      [
        'tasmota/discovery/A4CF12AAAAAA/config',
        json({
          dn: 'Plug',
          mac: 'A4CF12BBBBBB',
          t: 'plug',
          ft: '%prefix%/%topic%/',
          tp: ['cmnd', 'stat', 'tele'],
          rl: [1],
          hn: 'h',
          sw: '13',
        }),
      ],
    ]);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    expect(cand).toMatchObject({ status: 'failed', label: 'DVES_AAAAAA' });
    expect(cand.error).toMatch(/MAC mismatch: the topic says A4CF12AAAAAA, the config says "A4CF12BBBBBB"/);
    await expect(adopt(cand.id)).rejects.toThrow(/cannot be adopted: .*MAC mismatch/);
  });

  it('a Shelly that sends NotifyStatus after NotifyFullStatus adopts with both (every frame kept, in order)', async () => {
    h = await start();
    const id = 'shellypro3em-a0b1c2d3e4f5';
    await commissioning().open(60);
    // Shelly Gen2 API, Notifications (https://shelly-api-docs.shelly.cloud/gen2/General/Notifications)
    await enroll(id, [
      [
        `${id}/events/rpc`,
        json({
          src: id,
          dst: `${id}/events`,
          method: 'NotifyFullStatus',
          params: { ts: 1, 'switch:0': { id: 0, output: false, apower: 0 } },
        }),
      ],
      [
        `${id}/events/rpc`,
        json({
          src: id,
          dst: `${id}/events`,
          method: 'NotifyStatus',
          params: { ts: 2, 'switch:0': { id: 0, output: true } },
        }),
      ],
    ]);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    await adopt(cand.id);
    expect(h.sink.lastDevice(`shelly:${id}`)?.entities.map((e) => e.key)).toContain('switch:0');
    expect(h.sink.valuesOf('switch:0')).toEqual([false, true]);
  });

  it('revoke: the device can no longer log in but stays; forget: kept configs go, and it may enroll anew', async () => {
    h = await start();
    await commissioning().open(60);
    const fresh = await enroll(ESP_CLIENT, espFrames);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    const { address, connection } = await adopt(cand.id);
    const esp = await reconnect(fresh, connection);
    const closed = new Promise<void>((resolve) => esp.once('close', () => resolve()));
    await commissioning().close(); // (in an open window an unknown client may enroll, sandboxed)
    await access().revoke(address);
    await closed;
    expect(await h.store.get(ESP_CLIENT)).toBeNull();
    expect(await access().get(address)).toMatchObject({ username: ESP_CLIENT, active: false });
    await expect(
      connectClient(h.port, {
        clientId: ESP_CLIENT,
        username: ESP_CLIENT,
        password: connection.password,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
    await expect(access().set(address, { publish: [`${ESP}/#`], subscribe: [] })).rejects.toThrow(/revoked/);

    await h.adapter.remove!(address);
    expect(h.sink.removed).toContain(address);
    await expect(access().get(address)).rejects.toThrow(/no broker login/);
    // a new window: the same client enrolls and is adopted again
    await commissioning().open(60);
    await enroll(ESP_CLIENT, espFrames);
    const again = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate again');
    expect((await adopt(again.id)).address).toBe(address);
  });
});

describe('acknowledged means kept: adopted configs survive a restart', () => {
  it('a device that does not announce again after a restart still has its entities and its values are recorded', async () => {
    h = await start();
    await commissioning().open(60);
    const fresh = await enroll(ESP_CLIENT, espFrames);
    const cand = await waitFor(() => commissioning().candidates()[0], 3000, 'candidate');
    const { address, connection } = await adopt(cand.id);
    await endClient(fresh);
    h.sink.announced = [];
    await h.restartAdapter();
    expect(
      h.sink
        .lastDevice(address)
        ?.entities.map((e) => e.key)
        .sort(),
    ).toEqual(['ESPsensortemperature', 'ESPswitchrelay']);
    // the device reconnects and reports without re-sending its configs
    const esp = await connectClient(h.port, {
      clientId: connection.clientId,
      username: connection.username,
      password: connection.password,
    });
    h.clients.push(esp);
    await sleep(50);
    await esp.publishAsync(`${ESP}/sensor/temperature/state`, '19.25', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('ESPsensortemperature').includes(19.25), 3000, 'value after restart');
  });
});
