import { afterEach, describe, expect, it } from 'vitest';
import type mqtt from 'mqtt';
import { sleep, waitFor } from '../broker/helpers.ts';
import { adoptThroughWindow, publish } from './adopt.ts';
import { type Harness, rejections, startHarness } from './harness.ts';

/**
 * Home Assistant MQTT discovery against HA's own documentation and tests:
 * - device-based discovery and removal: https://www.home-assistant.io/integrations/mqtt/#device-discovery-payload
 *   ("a component can be removed by publishing it with only its platform", an empty retained
 *   config removes what the topic declared) and home-assistant/core
 *   tests/components/mqtt/test_discovery.py (device discovery cleanup of omitted components);
 * - cover defaults (OPEN/CLOSE/STOP, state open/closed/opening/closing/stopped, position 0-100):
 *   https://www.home-assistant.io/integrations/cover.mqtt/ and tests/components/mqtt/test_cover.py;
 * - climate `temperature_unit`: https://www.home-assistant.io/integrations/climate.mqtt/ and
 *   tests/components/mqtt/test_climate.py;
 * - templates: https://www.home-assistant.io/docs/configuration/templating/ (float, int, round,
 *   multiply, is_defined, default, from_json, iif), zigbee2mqtt's own discovery payloads
 *   (`payload_on: true`, `value_template: "{{ value_json.occupancy }}"`).
 * Every device is adopted through the commissioning window with real mqtt.js clients.
 */
let h: Harness;
afterEach(() => h.stop());

const ID = 'ha-node-1';
const DEVICE_TOPIC = `homeassistant/device/${ID}/config`;
const dev = { ids: ['ha-node-1-mac'], name: 'Hallway node', mf: 'Acme', mdl: 'N1', sw: '2.0' };

const components = {
  temp: {
    p: 'sensor',
    uniq_id: 'n1_temp',
    name: 'Temperature',
    stat_t: `${ID}/env`,
    dev_cla: 'temperature',
    unit_of_meas: '°C',
    stat_cla: 'measurement',
    val_tpl: '{{ value_json.t | float | round(1) }}',
  },
  power: {
    p: 'sensor',
    uniq_id: 'n1_power',
    name: 'Power',
    stat_t: `${ID}/env`,
    dev_cla: 'power',
    unit_of_meas: 'kW',
    val_tpl:
      '{{ (value_json.w | is_defined | multiply(0.001)) | round(3) if value_json.w is defined else value_json.p | default(0) }}',
  },
  meta: {
    p: 'sensor',
    uniq_id: 'n1_mode',
    name: 'Mode',
    stat_t: `${ID}/env`,
    val_tpl: "{{ (value_json.meta | from_json).mode | default('auto') }}",
  },
  occupancy: {
    p: 'binary_sensor',
    uniq_id: 'n1_occ',
    name: 'Occupancy',
    stat_t: `${ID}/env`,
    dev_cla: 'occupancy',
    val_tpl: '{{ value_json.occupancy }}',
    pl_on: true,
    pl_off: false,
  },
  blind: {
    p: 'cover',
    uniq_id: 'n1_blind',
    name: 'Blind',
    cmd_t: `${ID}/blind/set`,
    stat_t: `${ID}/blind/state`,
    pos_t: `${ID}/blind/position`,
    set_pos_t: `${ID}/blind/position/set`,
    dev_cla: 'blind',
  },
  thermostat: {
    p: 'climate',
    uniq_id: 'n1_hvac',
    name: 'Thermostat',
    temp_unit: 'F',
    modes: ['off', 'heat'],
    mode_cmd_t: `${ID}/hvac/mode/set`,
    mode_stat_t: `${ID}/hvac/mode`,
    temp_cmd_t: `${ID}/hvac/temp/set`,
    temp_stat_t: `${ID}/hvac/temp`,
    curr_temp_t: `${ID}/hvac/current`,
    curr_temp_tpl: "{{ iif(value_json.ok, value_json.f, 'nan') }}",
  },
};

const deviceConfig = (cmps: Record<string, unknown> = components) => ({
  dev,
  o: { name: 'acme-fw', sw: '2.0' },
  cmps,
  avty_t: `${ID}/status`,
});

async function adopt(): Promise<{ device: mqtt.MqttClient; address: string }> {
  const { device } = await adoptThroughWindow(h, ID, async (fresh) => {
    await publish(fresh, DEVICE_TOPIC, deviceConfig(), true);
  });
  await waitFor(() => (h.sink.lastDevice('ha-node-1-mac')?.entities.length ?? 0) === 6, 3000, 'entities');
  return { device, address: 'ha-node-1-mac' };
}

const entityOf = (key: string) => h.sink.lastDevice('ha-node-1-mac')?.entities.find((e) => e.key === key);
const last = (key: string) => h.sink.valuesOf(key).at(-1);

describe('HA MQTT discovery, complete against upstream', () => {
  it('sensors whose first values are NaN/Infinity still have their entities; the bad values are refused, good ones follow', async () => {
    h = await startHarness({ commissioning: true });
    const { device } = await adopt();
    expect(entityOf('n1_temp')).toMatchObject({ kind: 'sensor', unit: '°C', deviceClass: 'temperature' });
    await publish(device, `${ID}/env`, { t: 'nan', w: 'inf', occupancy: true, meta: '{"mode":"eco"}' });
    await publish(device, `${ID}/env`, { t: 'Infinity', w: '-inf', occupancy: false });
    await waitFor(() => h.sink.valuesOf('n1_occ').length === 2, 3000, 'occupancy');
    expect(h.sink.valuesOf('n1_temp')).toEqual([]);
    expect(h.sink.valuesOf('n1_power')).toEqual([]);
    expect(rejections(h.lines).some((r) => r.includes('non-numeric state "NaN"'))).toBe(true);
    // zigbee2mqtt-style boolean payloads: true/false in the config match the rendered JSON booleans
    expect(h.sink.valuesOf('n1_occ')).toEqual([true, false]);
    expect(h.sink.valuesOf('n1_mode')).toEqual(['eco']);
    await publish(device, `${ID}/env`, { t: '21.46', w: 1234.5678, occupancy: true, meta: '{}' });
    await waitFor(() => last('n1_temp') === 21.5, 3000, 'good value');
    expect(last('n1_power')).toBe(1.235);
    expect(last('n1_mode')).toBe('auto');
    // without w, the template falls back to p, then to its default
    await publish(device, `${ID}/env`, { t: 20, p: 0.5, meta: '{}', occupancy: false });
    await waitFor(() => last('n1_power') === 0.5, 3000, 'fallback');
  });

  it('cover: OPEN/CLOSE and position commands, state and position reports (HA defaults)', async () => {
    h = await startHarness({ commissioning: true });
    const { device, address } = await adopt();
    expect(entityOf('n1_blind')).toMatchObject({
      kind: 'cover',
      writable: true,
      unit: '%',
      deviceClass: 'blind',
    });
    const sent: string[] = [];
    device.on('message', (t, p) => sent.push(`${t}=${p.toString()}`));
    await device.subscribeAsync(`${ID}/#`, { qos: 1 });
    await h.adapter.execute(address, 'n1_blind', { type: 'turn_on' });
    await h.adapter.execute(address, 'n1_blind', { type: 'turn_off' });
    await h.adapter.execute(address, 'n1_blind', { type: 'set_level', level: 40 });
    await waitFor(() => sent.length === 3, 3000, 'cover commands');
    expect(sent).toEqual([`${ID}/blind/set=OPEN`, `${ID}/blind/set=CLOSE`, `${ID}/blind/position/set=40`]);
    await publish(device, `${ID}/blind/position`, '65');
    await publish(device, `${ID}/blind/state`, 'opening');
    await publish(device, `${ID}/blind/position`, '100');
    await waitFor(() => last('n1_blind') === 100, 3000, 'position');
    expect(h.sink.valuesOf('n1_blind')).toEqual([65, 65, 100]);
    await publish(device, `${ID}/blind/state`, 'jammed');
    await publish(device, `${ID}/blind/position`, '250');
    await sleep(100);
    expect(rejections(h.lines)).toEqual(
      expect.arrayContaining([
        'cover state "jammed" is not one of the configured states',
        'position 250 outside 0-100',
      ]),
    );
  });

  it('climate in °F: the unit, HA’s °F default range, setpoint and current temperature in °F', async () => {
    h = await startHarness({ commissioning: true });
    const { device, address } = await adopt();
    expect(entityOf('n1_hvac')).toMatchObject({
      kind: 'climate',
      unit: '°F',
      attributes: { min: 45, max: 95, modes: ['off', 'heat'] },
    });
    await publish(device, `${ID}/hvac/temp`, '68');
    await publish(device, `${ID}/hvac/current`, { ok: true, f: 66.2 });
    await publish(device, `${ID}/hvac/current`, { ok: false, f: 0 });
    await waitFor(() => h.sink.valuesOf('n1_hvac').length === 2, 3000, 'climate');
    expect(last('n1_hvac')).toEqual({ mode: null, setpoint: 68, current: 66.2 });
    const sent: string[] = [];
    device.on('message', (t, p) => sent.push(`${t}=${p.toString()}`));
    await device.subscribeAsync(`${ID}/hvac/#`, { qos: 1 });
    await h.adapter.execute(address, 'n1_hvac', { type: 'set_setpoint', value: 70 });
    await waitFor(() => sent.length === 1, 3000, 'setpoint');
    expect(sent).toEqual([`${ID}/hvac/temp/set=70`]);
    await expect(h.adapter.execute(address, 'n1_hvac', { type: 'set_setpoint', value: 30 })).rejects.toThrow(
      /outside 45-95/,
    );
  });

  it('device discovery: a component given only its platform, or omitted, leaves the device; an empty retained config withdraws it', async () => {
    h = await startHarness({ commissioning: true });
    const { device, address } = await adopt();
    const { blind: _blind, ...rest } = components;
    await publish(device, DEVICE_TOPIC, deviceConfig({ ...rest, blind: { p: 'cover' } }), true);
    await waitFor(() => !entityOf('n1_blind'), 3000, 'platform-only component removed');
    expect(h.sink.droppedEntities).toEqual([{ address, keys: ['n1_blind'] }]);
    // an unsupported platform beside them (a restart button, as ESPHome announces) does not
    // stop the omitted thermostat from being dropped; it is refused with its reason
    const { thermostat: _t, ...fewer } = rest;
    const button = { p: 'button', uniq_id: 'n1_restart', cmd_t: `${ID}/restart` };
    await publish(device, DEVICE_TOPIC, deviceConfig({ ...fewer, restart: button }), true);
    await waitFor(() => !entityOf('n1_hvac'), 3000, 'omitted component removed');
    expect(h.sink.lastDevice(address)!.entities.map((e) => e.key)).toEqual([
      'n1_temp',
      'n1_power',
      'n1_mode',
      'n1_occ',
    ]);
    expect(rejections(h.lines)).toContain('unsupported component "button"');
    // state for a dropped entity reaches nothing
    const before = h.sink.states.length;
    await publish(device, `${ID}/blind/position`, '10');
    await sleep(100);
    expect(h.sink.states.length).toBe(before);
    // an invalid component in an update adds nothing and removes nothing
    await publish(
      device,
      DEVICE_TOPIC,
      deviceConfig({ temp: components.temp, bad: { p: 'sensor', uniq_id: 'x' } }),
      true,
    );
    await sleep(150);
    expect(h.sink.lastDevice(address)!.entities).toHaveLength(4);
    // the empty retained config: the device withdraws itself
    await publish(device, DEVICE_TOPIC, '', true);
    await waitFor(() => h.sink.withdrawn.includes(address), 3000, 'withdrawn');
    expect(h.adapter.diagnostics()).toMatchObject({ devices: 0, entities: 0 });
  });

  it('per-component configs: an empty retained config removes that entity, the last one the device', async () => {
    h = await startHarness({ commissioning: true });
    const topic = (o: string) => `homeassistant/sensor/${ID}/${o}/config`;
    const one = (o: string) => ({ ...components.temp, p: undefined, uniq_id: `n1_${o}`, dev });
    const { device, address } = await adoptThroughWindow(h, ID, async (fresh) => {
      await publish(fresh, topic('a'), one('a'), true);
      await publish(fresh, topic('b'), one('b'), true);
    });
    await waitFor(() => h.sink.lastDevice(address)?.entities.length === 2, 3000, 'both');
    await publish(device, topic('a'), '', true);
    await waitFor(() => h.sink.lastDevice(address)?.entities.length === 1, 3000, 'a removed');
    expect(h.sink.droppedEntities).toEqual([{ address, keys: ['n1_a'] }]);
    await publish(device, topic('b'), '', true);
    await waitFor(() => h.sink.withdrawn.includes(address), 3000, 'device withdrawn');
  });

  it('hostile templates and payloads: refused with a reason, the rest of the device works', async () => {
    h = await startHarness({ commissioning: true });
    const { device, address } = await adopt();
    const evil = {
      rce: '{{ range.constructor("return process")() }}',
      proto: "{{ value_json['__proto__'] }}",
      loop: '{% for a in value_json %}{% for b in value_json %}{{ a }}{% endfor %}{% endfor %}',
      include: '{% include "/etc/passwd" %}',
      long: `{{ value }}${' '.repeat(1100)}`,
    };
    const cmps: Record<string, unknown> = { ...components };
    for (const [k, tpl] of Object.entries(evil))
      cmps[k] = { p: 'sensor', uniq_id: `evil_${k}`, stat_t: `${ID}/env`, val_tpl: tpl };
    await publish(device, DEVICE_TOPIC, deviceConfig(cmps), true);
    await waitFor(() => rejections(h.lines).length >= 5, 3000, 'refusals');
    const reasons = rejections(h.lines).join('\n');
    expect(reasons).toMatch(/unsupported value template: calls other than/);
    expect(reasons).toMatch(/unsupported value template: attribute __proto__/);
    expect(reasons).toMatch(/For is not allowed/);
    expect(reasons).toMatch(/Include is not allowed/);
    expect(reasons).toMatch(/value_template/);
    expect(h.sink.lastDevice(address)!.entities.some((e) => e.key.startsWith('evil_'))).toBe(false);
    // a state payload over the 16 KiB state limit is refused; the next good one is taken
    await publish(device, `${ID}/env`, JSON.stringify({ t: 1, pad: 'x'.repeat(20_000) }));
    await publish(device, `${ID}/env`, { t: 19, occupancy: true, meta: '{}' });
    await waitFor(() => last('n1_temp') === 19, 3000, 'good state');
    expect(h.sink.valuesOf('n1_temp')).toEqual([19]);
    expect(h.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
