import { afterEach, describe, expect, it } from 'vitest';
import type mqtt from 'mqtt';
import { createAclOracle } from '../../../main/core/broker/index.ts';
import { sleep, waitFor } from '../broker/helpers.ts';
import { type Harness, rejections, startHarness } from './harness.ts';

let h: Harness;
afterEach(() => h.stop());

const cfg = (client: mqtt.MqttClient, topic: string, body: unknown) =>
  client.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), {
    qos: 1,
    retain: true,
  });

/** messages a device client receives on its command topics */
async function commandInbox(client: mqtt.MqttClient, filter: string): Promise<string[]> {
  const got: string[] = [];
  client.on('message', (t, p) => got.push(`${t}=${p.toString()}`));
  await client.subscribeAsync(filter, { qos: 1 });
  return got;
}

describe('HA discovery end to end: config -> device, state -> sink, command -> device', () => {
  it('sensor: abbreviations, ~ base topic, value_json template, numeric state', async () => {
    h = await startHarness();
    const dev = await h.device('env-1');
    await cfg(dev, 'homeassistant/sensor/env-1/temp/config', {
      '~': 'env-1/tele',
      name: 'Temperature',
      uniq_id: 'env1_temp',
      stat_t: '~/SENSOR',
      val_tpl: '{{ value_json.AM2301.Temperature }}',
      unit_of_meas: '°C',
      dev_cla: 'temperature',
      dev: { ids: ['env-1-mac'], name: 'Env sensor', mf: 'Acme', mdl: 'E1', sw: '1.2.3' },
    });
    const d = await waitFor(() => h.sink.lastDevice('env-1-mac'), 3000, 'announce');
    expect(d).toEqual({
      address: 'env-1-mac',
      name: 'Env sensor',
      manufacturer: 'Acme',
      model: 'E1',
      swVersion: '1.2.3',
      entities: [
        {
          key: 'env1_temp',
          name: 'Temperature',
          kind: 'sensor',
          deviceClass: 'temperature',
          unit: '°C',
          writable: false,
        },
      ],
    });
    await dev.publishAsync(
      'env-1/tele/SENSOR',
      JSON.stringify({ AM2301: { Temperature: 21.5, Humidity: 40 } }),
      { qos: 1 },
    );
    await waitFor(() => h.sink.valuesOf('env1_temp').length === 1, 3000, 'state');
    expect(h.sink.states[0]).toMatchObject({
      address: 'env-1-mac',
      key: 'env1_temp',
      state: { value: 21.5, quality: 'good' },
    });
    expect(typeof h.sink.states[0]!.state.ts).toBe('number');
  });

  it('binary_sensor: custom payload_on/off; unknown payloads rejected', async () => {
    h = await startHarness();
    const dev = await h.device('door-1');
    await cfg(dev, 'homeassistant/binary_sensor/door-1/contact/config', {
      uniq_id: 'door1_contact',
      stat_t: 'door-1/contact',
      pl_on: 'open',
      pl_off: 'closed',
      dev_cla: 'door',
      dev: { ids: 'door-1' },
    });
    await waitFor(() => h.sink.lastDevice('door-1'), 3000, 'announce');
    for (const p of ['open', 'MAYBE', 'closed']) await dev.publishAsync('door-1/contact', p, { qos: 1 });
    await waitFor(() => h.sink.valuesOf('door1_contact').length === 2, 3000, 'states');
    await sleep(30);
    expect(h.sink.valuesOf('door1_contact')).toEqual([true, false]);
    expect(rejections(h.lines)).toContain('payload "MAYBE" is neither payload_on nor payload_off');
  });

  it('switch: state via state_on/off, commands as payload_on/off, toggle from state, unsupported command rejected', async () => {
    h = await startHarness();
    const dev = await h.device('plug-1');
    const inbox = await commandInbox(dev, 'plug-1/+/set');
    await cfg(dev, 'homeassistant/switch/plug-1/relay/config', {
      uniq_id: 'plug1_relay',
      name: null,
      stat_t: 'plug-1/relay',
      cmd_t: 'plug-1/relay/set',
      pl_on: '1',
      pl_off: '0',
      stat_on: 'on',
      stat_off: 'off',
      dev: { ids: ['plug-1'], name: 'Kitchen plug' },
    });
    const d = await waitFor(() => h.sink.lastDevice('plug-1'), 3000, 'announce');
    expect(d.entities[0]).toMatchObject({
      key: 'plug1_relay',
      name: 'Kitchen plug',
      kind: 'switch',
      writable: true,
    });
    await expect(h.adapter.execute('plug-1', 'plug1_relay', { type: 'toggle' })).rejects.toThrow(
      /state is unknown/,
    );
    await dev.publishAsync('plug-1/relay', 'on', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('plug1_relay').length === 1, 3000, 'state');
    await h.adapter.execute('plug-1', 'plug1_relay', { type: 'turn_off' });
    await h.adapter.execute('plug-1', 'plug1_relay', { type: 'toggle' });
    await waitFor(() => inbox.length === 2, 3000, 'commands');
    expect(inbox).toEqual(['plug-1/relay/set=0', 'plug-1/relay/set=0']);
    await expect(
      h.adapter.execute('plug-1', 'plug1_relay', { type: 'set_level', level: 50 }),
    ).rejects.toThrow('a switch cannot take set_level');
    await expect(h.adapter.execute('plug-1', 'nope', { type: 'turn_on' })).rejects.toThrow(
      'unknown entity nope on device plug-1',
    );
    await expect(
      h.adapter.execute('plug-1', 'plug1_relay', { type: 'set_level', level: 500 } as never),
    ).rejects.toThrow(/invalid command/);
  });

  it('light (JSON schema): brightness scaled to level 0-100 both ways', async () => {
    h = await startHarness();
    const dev = await h.device('lamp-1');
    const inbox = await commandInbox(dev, 'lamp-1/light/set');
    await cfg(dev, 'homeassistant/light/lamp-1/light/config', {
      '~': 'lamp-1/light',
      uniq_id: 'lamp1',
      schema: 'json',
      stat_t: '~',
      cmd_t: '~/set',
      brightness: true,
      bri_scl: 255,
      dev: { ids: ['lamp-1'], name: 'Lamp' },
    });
    const d = await waitFor(() => h.sink.lastDevice('lamp-1'), 3000, 'announce');
    expect(d.entities[0]).toMatchObject({ kind: 'light', attributes: { dimmable: true } });
    await dev.publishAsync('lamp-1/light', JSON.stringify({ state: 'ON', brightness: 128 }), { qos: 1 });
    await dev.publishAsync('lamp-1/light', '{"state": "ON", "brightness": 9000}', { qos: 1 });
    await dev.publishAsync('lamp-1/light', '{"state": ', { qos: 1 });
    await dev.publishAsync('lamp-1/light', JSON.stringify({ state: 'OFF' }), { qos: 1 });
    await waitFor(() => h.sink.valuesOf('lamp1').length === 2, 3000, 'states');
    await sleep(30);
    expect(h.sink.valuesOf('lamp1')).toEqual([
      { on: true, level: 50 },
      { on: false, level: 50 },
    ]);
    expect(rejections(h.lines)).toEqual(expect.arrayContaining(['brightness 9000 outside 0-255']));
    await h.adapter.execute('lamp-1', 'lamp1', { type: 'set_level', level: 100 });
    await h.adapter.execute('lamp-1', 'lamp1', { type: 'turn_off' });
    await waitFor(() => inbox.length === 2, 3000, 'commands');
    expect(inbox.map((m) => JSON.parse(m.split('=')[1]!))).toEqual([
      { state: 'ON', brightness: 255 },
      { state: 'OFF' },
    ]);
  });

  it('light (default schema): plain ON/OFF plus a brightness topic', async () => {
    h = await startHarness();
    const dev = await h.device('dim-1');
    const inbox = await commandInbox(dev, 'dim-1/#');
    await cfg(dev, 'homeassistant/light/dim-1/l/config', {
      uniq_id: 'dim1',
      stat_t: 'dim-1/state',
      cmd_t: 'dim-1/cmd',
      bri_stat_t: 'dim-1/bri',
      bri_cmd_t: 'dim-1/bri/cmd',
      bri_scl: 100,
      dev: { ids: ['dim-1'] },
    });
    await waitFor(() => h.sink.lastDevice('dim-1'), 3000, 'announce');
    await dev.publishAsync('dim-1/state', 'ON', { qos: 1 });
    await dev.publishAsync('dim-1/bri', '30', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('dim1').length === 2, 3000, 'states');
    expect(h.sink.valuesOf('dim1')).toEqual([
      { on: true, level: null },
      { on: true, level: 30 },
    ]);
    await h.adapter.execute('dim-1', 'dim1', { type: 'set_level', level: 75 });
    await waitFor(() => inbox.includes('dim-1/bri/cmd=75'), 3000, 'brightness command');
  });

  it('climate: mode, setpoint and current temperature; setpoint/mode commands with range and mode checks', async () => {
    h = await startHarness();
    const dev = await h.device('trv-1');
    const inbox = await commandInbox(dev, 'trv-1/+/set');
    await cfg(dev, 'homeassistant/climate/trv-1/thermostat/config', {
      '~': 'trv-1',
      uniq_id: 'trv1',
      name: 'Radiator',
      modes: ['off', 'heat'],
      mode_stat_t: '~/mode',
      mode_cmd_t: '~/mode/set',
      temp_stat_t: '~/setpoint',
      temp_cmd_t: '~/setpoint/set',
      curr_temp_t: '~/current',
      curr_temp_tpl: '{{ value_json.t | float }}',
      min_temp: 5,
      max_temp: 30,
      temp_step: 0.5,
      dev: { ids: ['trv-1'] },
    });
    const d = await waitFor(() => h.sink.lastDevice('trv-1'), 3000, 'announce');
    expect(d.entities[0]).toMatchObject({
      kind: 'climate',
      writable: true,
      attributes: { min: 5, max: 30, step: 0.5, modes: ['off', 'heat'] },
    });
    await dev.publishAsync('trv-1/mode', 'heat', { qos: 1 });
    await dev.publishAsync('trv-1/setpoint', '20.5', { qos: 1 });
    await dev.publishAsync('trv-1/current', '{"t": "19.25"}', { qos: 1 });
    await dev.publishAsync('trv-1/mode', 'party', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('trv1').length === 3, 3000, 'states');
    await sleep(30);
    expect(h.sink.valuesOf('trv1').at(-1)).toEqual({ mode: 'heat', setpoint: 20.5, current: 19.25 });
    expect(h.sink.valuesOf('trv1').length).toBe(3);
    await h.adapter.execute('trv-1', 'trv1', { type: 'set_setpoint', value: 21.3 });
    await h.adapter.execute('trv-1', 'trv1', { type: 'set_mode', mode: 'off' });
    await expect(h.adapter.execute('trv-1', 'trv1', { type: 'set_mode', mode: 'cool' })).rejects.toThrow(
      'mode cool is not one of off, heat',
    );
    await expect(h.adapter.execute('trv-1', 'trv1', { type: 'set_setpoint', value: 40 })).rejects.toThrow(
      'setpoint 40 outside 5-30',
    );
    await waitFor(() => inbox.length === 2, 3000, 'commands');
    expect(inbox).toEqual(['trv-1/setpoint/set=21.5', 'trv-1/mode/set=off']);
  });

  it('availability: online from avty_t, offline from the LWT when the device drops', async () => {
    h = await startHarness();
    const dev = await h.device('plug-2', {
      will: { topic: 'plug-2/status', payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    await cfg(dev, 'homeassistant/switch/plug-2/relay/config', {
      uniq_id: 'plug2',
      cmd_t: 'plug-2/set',
      avty_t: 'plug-2/status',
      dev: { ids: ['plug-2'] },
    });
    await waitFor(() => h.sink.lastDevice('plug-2'), 3000, 'announce');
    await dev.publishAsync('plug-2/status', 'online', { qos: 1, retain: true });
    await waitFor(() => h.sink.availability.length === 1, 3000, 'online');
    dev.stream.destroy(); // an ungraceful drop: the broker publishes the will
    await waitFor(() => h.sink.availability.length === 2, 3000, 'offline via LWT');
    expect(h.sink.availability).toEqual([
      { address: 'plug-2', online: true },
      { address: 'plug-2', online: false },
    ]);
  });

  it('retained configs published before the adapter started are discovered, with their states', async () => {
    h = await startHarness({ startAdapter: false });
    const dev = await h.device('env-2');
    await cfg(dev, 'homeassistant/sensor/env-2/hum/config', {
      uniq_id: 'env2_hum',
      stat_t: 'env-2/hum',
      unit_of_meas: '%',
      dev: { ids: ['env-2'] },
    });
    await dev.publishAsync('env-2/hum', '55', { qos: 1, retain: true });
    await h.adapter.start();
    await waitFor(() => h.sink.valuesOf('env2_hum').length === 1, 3000, 'replayed state');
    expect(h.sink.lastDevice('env-2')?.entities.map((e) => e.key)).toEqual(['env2_hum']);
    expect(h.sink.valuesOf('env2_hum')).toEqual([55]);
  });

  it('an empty retained config removes the entity, and the device with its last entity', async () => {
    h = await startHarness();
    const dev = await h.device('env-3');
    await cfg(dev, 'homeassistant/sensor/env-3/a/config', {
      uniq_id: 'env3_a',
      stat_t: 'env-3/a',
      dev: { ids: ['env-3'] },
    });
    await cfg(dev, 'homeassistant/sensor/env-3/b/config', {
      uniq_id: 'env3_b',
      stat_t: 'env-3/b',
      dev: { ids: ['env-3'] },
    });
    await waitFor(() => h.sink.lastDevice('env-3')?.entities.length === 2, 3000, 'two entities');
    await cfg(dev, 'homeassistant/sensor/env-3/a/config', '');
    await waitFor(() => h.sink.lastDevice('env-3')?.entities.length === 1, 3000, 'one entity');
    await cfg(dev, 'homeassistant/sensor/env-3/b/config', '');
    await waitFor(() => h.sink.removed.includes('env-3'), 3000, 'device removed');
    await dev.publishAsync('env-3/a', '1', { qos: 1 });
    await sleep(30);
    expect(h.sink.valuesOf('env3_a')).toEqual([]);
    expect(h.adapter.diagnostics()).toMatchObject({ devices: 0, entities: 0 });
  });

  it('device-based discovery: one config with cmps declares several entities', async () => {
    h = await startHarness();
    const dev = await h.device('multi-1');
    await cfg(dev, 'homeassistant/device/multi-1/config', {
      dev: { ids: 'multi-1', name: 'Multi', mf: 'Acme' },
      o: { name: 'fw' },
      '~': 'multi-1',
      stat_t: '~/state',
      cmps: {
        t: { p: 'sensor', uniq_id: 'multi_t', val_tpl: '{{ value_json.t }}', unit_of_meas: '°C' },
        r: { p: 'switch', uniq_id: 'multi_r', cmd_t: '~/relay/set', val_tpl: '{{ value_json.relay }}' },
        c: { p: 'camera', uniq_id: 'multi_c' },
      },
    });
    const d = await waitFor(() => h.sink.lastDevice('multi-1'), 3000, 'announce');
    expect(d.entities.map((e) => [e.key, e.kind]).sort()).toEqual([
      ['multi_r', 'switch'],
      ['multi_t', 'sensor'],
    ]);
    expect(rejections(h.lines)).toContain('unsupported component "camera"');
    await dev.publishAsync('multi-1/state', JSON.stringify({ t: 4.5, relay: 'ON' }), { qos: 1 });
    await waitFor(() => h.sink.states.length === 2, 3000, 'states');
    expect(h.sink.valuesOf('multi_t')).toEqual([4.5]);
    expect(h.sink.valuesOf('multi_r')).toEqual([true]);
  });
});

describe('hostile and malformed discovery input is rejected with a reason and corrupts nothing', () => {
  it('bad JSON, wrong types, missing unique_id, unsafe templates, oversized payloads', async () => {
    h = await startHarness();
    const dev = await h.device('bad-1');
    const t = 'homeassistant/sensor/bad-1/x/config';
    await cfg(dev, t, '{"uniq_id": "x", "stat_t": ');
    await cfg(dev, t, '[1,2,3]');
    await cfg(dev, t, { uniq_id: 'x', stat_t: 42, dev: { ids: ['bad-1'] } });
    await cfg(dev, t, { stat_t: 'bad-1/x', dev: { ids: ['bad-1'] } });
    await cfg(dev, t, {
      uniq_id: 'x',
      stat_t: 'bad-1/x',
      val_tpl: '{{ value_json.__proto__ }}',
      dev: { ids: ['bad-1'] },
    });
    await cfg(dev, t, {
      uniq_id: 'x',
      stat_t: 'bad-1/x',
      val_tpl: "{{ ''.__class__.__mro__ }}",
      dev: { ids: ['bad-1'] },
    });
    await cfg(dev, t, { uniq_id: 'x', stat_t: 'bad-1/x', dev: { ids: [{ nested: true }] } });
    await dev.publishAsync(t, Buffer.from([0xff, 0xfe, 0x7b]), { qos: 1 }); // not UTF-8
    await h.broker.bus.publish('homeassistant/sensor/core/big/config', 'x'.repeat(1024 * 1024)); // 1 MB, past the broker's device limit
    await sleep(100);
    await waitFor(() => rejections(h.lines).length >= 9, 3000, 'rejections');
    const reasons = rejections(h.lines).join('\n');
    expect(reasons).toMatch(/bad JSON/);
    expect(reasons).toMatch(/config is not a JSON object/);
    expect(reasons).toMatch(/state_topic/);
    expect(reasons).toMatch(/unique_id/);
    expect(reasons).toMatch(/unsupported value template: attribute __proto__/);
    expect(reasons).toMatch(/unsupported value template/);
    expect(reasons).toMatch(/identifiers/);
    expect(reasons).toMatch(/payload of 1048576 bytes is over the 65536-byte limit/);
    expect(reasons).toMatch(/payload is not valid UTF-8/);
    expect(h.sink.announced).toEqual([]);
    // and the adapter still works
    await cfg(dev, t, { uniq_id: 'x', stat_t: 'bad-1/x', dev: { ids: ['bad-1'] } });
    await waitFor(() => h.sink.lastDevice('bad-1'), 3000, 'valid config after the hostile ones');
    expect(h.adapter.health().status).toBe('ok');
  });

  it('a 1 MB config from a device is refused at the broker and the device disconnected', async () => {
    h = await startHarness();
    const dev = await h.device('big-1');
    const closed = new Promise<void>((r) => dev.once('close', () => r()));
    dev.publish('homeassistant/sensor/big-1/x/config', 'x'.repeat(1024 * 1024));
    await closed;
    expect(h.sink.announced).toEqual([]);
    expect(h.broker.stats().dropped).toBeGreaterThanOrEqual(1);
  });

  it('topic injection: wildcards, NUL, $ topics and topics outside the device tree are refused', async () => {
    h = await startHarness();
    const plug = await h.device('plug-1');
    const bad = [
      { stat_t: 'plug-1/+/power' },
      { stat_t: 'plug-1/#' },
      { stat_t: 'plug-1/pow\u0000er' },
      { stat_t: '$SYS/broker/load' },
      { stat_t: 'meter-main/power' }, // the main meter's state topic
      { stat_t: 'plug-1/power', avty_t: 'meter-main/status' },
    ];
    for (const [i, b] of bad.entries()) {
      await cfg(plug, `homeassistant/sensor/plug-1/s${i}/config`, {
        uniq_id: `p1_s${i}`,
        dev: { ids: ['plug-1'] },
        ...b,
      });
    }
    await cfg(plug, 'homeassistant/switch/plug-1/evil/config', {
      uniq_id: 'p1_evil',
      cmd_t: 'meter-main/relay/set',
      dev: { ids: ['plug-1'] },
    });
    await waitFor(() => rejections(h.lines).length === 7, 3000, 'seven rejections');
    const reasons = rejections(h.lines);
    expect(reasons.filter((r) => r.startsWith('topic contains a wildcard'))).toHaveLength(2);
    expect(reasons).toContain('topic contains a control character: "plug-1/pow\\u0000er"');
    expect(reasons).toContain('topic is a $ system topic: "$SYS/broker/load"');
    expect(reasons).toContain('state topic meter-main/power is outside what plug-1 may publish');
    expect(reasons).toContain('state topic meter-main/status is outside what plug-1 may publish');
    expect(reasons).toContain('command topic meter-main/relay/set is outside what plug-1 may subscribe to');
    expect(h.sink.announced).toEqual([]);
  });

  it('with the broker ACL hook, topics follow exactly what the credential allows', async () => {
    h = await startHarness({ mqttAcl: (store) => createAclOracle(store) });
    const acl = {
      publish: ['homeassistant/+/plug-9/+/config', 'site/plugs/p9/#'],
      subscribe: ['site/plugs/p9/set'],
    };
    const plug = await h.device('plug-9', {}, acl);
    await cfg(plug, 'homeassistant/switch/plug-9/relay/config', {
      uniq_id: 'p9',
      stat_t: 'site/plugs/p9/state',
      cmd_t: 'site/plugs/p9/set',
      dev: { ids: ['plug-9'] },
    });
    await cfg(plug, 'homeassistant/sensor/plug-9/other/config', {
      uniq_id: 'p9_other',
      stat_t: 'site/plugs/p8/state',
      dev: { ids: ['plug-9'] },
    });
    await waitFor(() => h.sink.lastDevice('plug-9'), 3000, 'announce');
    await waitFor(() => rejections(h.lines).length === 1, 3000, 'rejection');
    expect(rejections(h.lines)).toEqual([
      'state topic site/plugs/p8/state is outside what plug-9 may publish',
    ]);
    expect(h.sink.lastDevice('plug-9')?.entities.map((e) => e.key)).toEqual(['p9']);
  });

  it('a second device cannot hijack another device’s unique_id or device identifier', async () => {
    h = await startHarness();
    const meter = await h.device('meter-main');
    await cfg(meter, 'homeassistant/sensor/meter-main/power/config', {
      uniq_id: 'meter_power',
      stat_t: 'meter-main/power',
      unit_of_meas: 'W',
      dev: { ids: ['meter-main'], name: 'Main meter' },
    });
    await waitFor(() => h.sink.lastDevice('meter-main'), 3000, 'meter announced');
    const plug = await h.device('plug-1');
    await cfg(plug, 'homeassistant/sensor/plug-1/power/config', {
      uniq_id: 'meter_power',
      stat_t: 'plug-1/power',
      unit_of_meas: 'W',
      dev: { ids: ['plug-1'] },
    });
    await cfg(plug, 'homeassistant/sensor/plug-1/p2/config', {
      uniq_id: 'plug1_p2',
      stat_t: 'plug-1/p2',
      dev: { ids: ['meter-main'], name: 'Pwned' },
    });
    await cfg(plug, 'homeassistant/sensor/meter-main/power/config', ''); // denied by the broker ACL anyway
    await waitFor(() => rejections(h.lines).length === 2, 3000, 'two rejections');
    expect(rejections(h.lines)).toEqual([
      'unique_id meter_power already belongs to device meter-main (homeassistant/sensor/meter-main/power/config)',
      'device meter-main belongs to another client',
    ]);
    expect(h.sink.announced.map((d) => d.name)).toEqual(['Main meter']);
    await meter.publishAsync('meter-main/power', '2300', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('meter_power').length === 1, 3000, 'meter state still flows');
    expect(h.sink.valuesOf('meter_power')).toEqual([2300]);
  });

  it('state from a client other than the entity’s owner is rejected, even when its ACL is too wide', async () => {
    h = await startHarness();
    const meter = await h.device('meter-main');
    await cfg(meter, 'homeassistant/sensor/meter-main/power/config', {
      uniq_id: 'mp',
      stat_t: 'meter-main/power',
      unit_of_meas: 'W',
      dev: { ids: ['meter-main'] },
    });
    await waitFor(() => h.sink.lastDevice('meter-main'), 3000, 'announce');
    const intruder = await h.device('intruder', {}, { publish: ['meter-main/#'], subscribe: [] });
    await intruder.publishAsync('meter-main/power', '-5000', { qos: 1 });
    await meter.publishAsync('meter-main/power', 'lots', { qos: 1 });
    await meter.publishAsync('meter-main/power', Buffer.from([0xc3, 0x28]), { qos: 1 });
    await meter.publishAsync('meter-main/power', 'x'.repeat(200 * 1024), { qos: 1 });
    await h.broker.bus.publish('meter-main/power', '9'.repeat(1024 * 1024)); // 1 MB, from the core side
    await meter.publishAsync('meter-main/power', '1200', { qos: 1 });
    await waitFor(() => h.sink.valuesOf('mp').length === 1, 3000, 'genuine state');
    await sleep(30);
    expect(h.sink.valuesOf('mp')).toEqual([1200]);
    expect(rejections(h.lines)).toEqual([
      'entity mp belongs to meter-main, not intruder',
      'non-numeric state "lots" for a sensor measured in W',
      // the invalid UTF-8 and 200 KB payloads from the same client and topic are counted, and
      // their log lines throttled, so a misbehaving device cannot flood the log
      'payload of 1048576 bytes is over the 16384-byte limit',
    ]);
    expect(h.adapter.diagnostics()).toMatchObject({ statesRejected: 5, statesAccepted: 1 });
  });
});
