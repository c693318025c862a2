import { describe, expect, it } from 'vitest';
import { COMPONENT_MAPPERS } from '../../../adapters/mqtt/components/index.ts';
import { scalarFromPayload } from '../../../adapters/mqtt/components/model.ts';
import { DeviceAvailability } from '../../../adapters/mqtt/availability.ts';
import { availabilityEntries, CommonConfig } from '../../../adapters/mqtt/discovery/common.ts';

const build = (component: string, cfg: Record<string, unknown>) =>
  COMPONENT_MAPPERS.get(component)!.build(cfg, 'Name');

describe('component mappers', () => {
  it('sensor: numbers parsed, unknown markers null, battery kind', () => {
    const m = build('sensor', { state_topic: 's', unit_of_measurement: '%', device_class: 'battery' });
    expect(m.announcement).toMatchObject({ kind: 'battery', unit: '%', writable: false });
    expect(m.stateBindings[0]!.update('87', undefined)).toBe(87);
    expect(m.stateBindings[0]!.update('unavailable', undefined)).toBeNull();
    expect(() => m.stateBindings[0]!.update('full', undefined)).toThrow(/non-numeric/);
    expect(() => m.command({ type: 'turn_on' }, undefined)).toThrow(
      'a sensor is read-only: it cannot take turn_on',
    );
    const text = build('sensor', { state_topic: 's' });
    expect(text.stateBindings[0]!.update('idle', undefined)).toBe('idle');
  });

  it('scalarFromPayload bounds strings and rejects non-finite numbers', () => {
    expect(scalarFromPayload('-1.5e3')).toBe(-1500);
    expect(scalarFromPayload('0x10')).toBe('0x10');
    expect(() => scalarFromPayload('x'.repeat(300))).toThrow(/longer than/);
    expect(() => scalarFromPayload(Infinity)).toThrow(/finite/);
  });

  it('switch without a command topic is an invalid config', () => {
    expect(() => build('switch', { state_topic: 's' })).toThrow();
  });

  it('light: JSON schema with brightness_scale; default schema without brightness is not dimmable', () => {
    const json = build('light', {
      schema: 'json',
      command_topic: 'c',
      state_topic: 's',
      brightness: true,
      brightness_scale: 100,
    });
    expect(json.stateBindings[0]!.update('{"state":"ON","brightness":40}', undefined)).toEqual({
      on: true,
      level: 40,
    });
    expect(() => json.stateBindings[0]!.update('{"state":"DIM"}', undefined)).toThrow();
    expect(json.command({ type: 'set_level', level: 0 }, undefined)).toEqual([
      { topic: 'c', payload: '{"state":"OFF"}' },
    ]);
    const plain = build('light', { command_topic: 'c' });
    expect(plain.announcement.attributes).toEqual({ dimmable: false });
    expect(() => plain.command({ type: 'set_level', level: 10 }, undefined)).toThrow(
      'this light is not dimmable',
    );
    expect(plain.command({ type: 'toggle' }, { on: true })).toEqual([{ topic: 'c', payload: 'OFF' }]);
  });

  it('climate: invalid ranges refused; turn_on picks heat', () => {
    expect(() => build('climate', { min_temp: 30, max_temp: 10 })).toThrow(/min_temp/);
    const c = build('climate', { modes: ['off', 'heat'], mode_command_topic: 'm' });
    expect(c.command({ type: 'turn_on' }, undefined)).toEqual([{ topic: 'm', payload: 'heat' }]);
    expect(() => c.command({ type: 'set_setpoint', value: 20 }, undefined)).toThrow(
      'this thermostat takes no setpoint commands',
    );
    expect(() => c.command({ type: 'toggle' }, undefined)).toThrow('a thermostat cannot take toggle');
  });
});

describe('availability and payload options as HA validates them (cv.string)', () => {
  it('boolean and numeric payload options become text; a boolean matches true and True', () => {
    const c = CommonConfig.parse({
      unique_id: 'u1',
      availability: [
        {
          topic: 'd/avail',
          value_template: '{{ value_json.up }}',
          payload_available: true,
          payload_not_available: false,
        },
      ],
    });
    const [entry] = availabilityEntries(c);
    expect(entry).toMatchObject({ payload_available: 'true', payload_not_available: 'false' });
    const a = new DeviceAvailability();
    expect(a.observe(entry!, '{"up": true}')).toBe(true);
    expect(a.observe(entry!, '{"up": false}')).toBe(false);
    expect(() => a.observe(entry!, '{"up": "maybe"}')).toThrow(/neither available nor not available/);
    const b = build('binary_sensor', { state_topic: 's', payload_on: 1, payload_off: 0 });
    expect(b.stateBindings[0]!.update('1', undefined)).toBe(true);
    expect(b.stateBindings[0]!.update('0', undefined)).toBe(false);
    const py = build('binary_sensor', { state_topic: 's', payload_on: true, payload_off: false });
    expect(py.stateBindings[0]!.update('True', undefined)).toBe(true);
    expect(py.stateBindings[0]!.update('false', undefined)).toBe(false);
  });

  it('sensors numeric by device class or state class refuse nan/inf and text; text sensors keep text', () => {
    const byClass = build('sensor', { state_topic: 's', device_class: 'temperature' });
    for (const bad of ['nan', 'NaN', 'inf', '-Infinity', 'warm'])
      expect(() => byClass.stateBindings[0]!.update(bad, undefined), bad).toThrow(/non-numeric state/);
    const byStateClass = build('sensor', { state_topic: 's', state_class: 'measurement' });
    expect(() => byStateClass.stateBindings[0]!.update('nan', undefined)).toThrow(/non-numeric/);
    expect(byStateClass.stateBindings[0]!.update('4.5', undefined)).toBe(4.5);
    const text = build('sensor', { state_topic: 's', device_class: 'enum' });
    expect(text.stateBindings[0]!.update('heating', undefined)).toBe('heating');
  });

  it('cover: refuses equal open/closed positions and set_level without a position topic', () => {
    expect(() => build('cover', { command_topic: 'c', position_open: 5, position_closed: 5 })).toThrow(
      /must differ/,
    );
    const c = build('cover', {
      command_topic: 'c',
      position_open: 0,
      position_closed: 100,
      position_topic: 'p',
    });
    expect(c.stateBindings[0]!.update('25', undefined)).toBe(75);
    expect(() => c.command({ type: 'set_level', level: 10 }, undefined)).toThrow(/no position command/);
    expect(c.command({ type: 'toggle' }, 75)).toEqual([{ topic: 'c', payload: 'CLOSE' }]);
  });
});
