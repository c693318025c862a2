import { describe, expect, it } from 'vitest';
import { compileValueTemplate, MAX_OUTPUT } from '../../../adapters/mqtt/template.ts';

const render = (tpl: string, payload: string) => compileValueTemplate(tpl)(payload);

/**
 * value_template as Home Assistant renders it (https://www.home-assistant.io/docs/configuration/templating/
 * and homeassistant/helpers/template.py: forgiving_float, forgiving_int, forgiving_round, multiply,
 * is_defined, from_json, iif, forgiving_boolean), rendered by nunjucks under Truss's policy.
 */
describe('value_template: Jinja through nunjucks with HA filters', () => {
  it('the forms discovery configs use', () => {
    expect(compileValueTemplate(undefined)('raw')).toBe('raw');
    expect(render('{{ value }}', '21')).toBe('21');
    expect(render('{{value_json.temperature}}', '{"temperature": 21.5}')).toBe('21.5');
    expect(render('{{ value_json.a.b }}', '{"a": {"b": "x"}}')).toBe('x');
    expect(render("{{ value_json['ENERGY'].Power }}", '{"ENERGY": {"Power": 12}}')).toBe('12');
    expect(render('{{ value_json.list[1] }}', '{"list": [1, 2]}')).toBe('2');
    expect(render('{{ value_json.t | float }}', '{"t": "19.25"}')).toBe('19.25');
    expect(render('{{ value_json.t | round(1) }}', '{"t": 19.26}')).toBe('19.3');
    expect(render('{{ value_json.t | int }}', '{"t": 19.9}')).toBe('19');
    expect(render('{{ value | lower }}', 'ON')).toBe('on');
    // zigbee2mqtt's own discovery templates
    expect(render('{{ value_json.temperature | float(0) | round(1) }}', '{"temperature": "x"}')).toBe('0');
    expect(render("{{ value_json.occupancy | iif('ON', 'OFF') }}", '{"occupancy": true}')).toBe('ON');
    expect(render("{{ 'ON' if value_json.contact == false else 'OFF' }}", '{"contact": false}')).toBe('ON');
    expect(render('{{ (value_json.energy | multiply(0.001)) | round(3) }}', '{"energy": 1234.5678}')).toBe(
      '1.235',
    );
    expect(render('{{ value_json.p | default(7) }}', '{}')).toBe('7');
    expect(render("{{ value_json.x if value_json.x is defined else 'none' }}", '{}')).toBe('none');
    expect(render("{{ 'a' if value_json.x is not defined else 'b' }}", '{}')).toBe('a');
    expect(render("{{ 'gone' if value_json.x is none else value_json.x }}", '{"x": null}')).toBe('gone');
    expect(render("{{ value_json.x | default('n/a', true) }}", '{"x": ""}')).toBe('n/a');
    expect(render('{{ value_json.t | round(2, default=0) }}', '{"t": "x"}')).toBe('0');
    expect(render('{{ value_json.list | max }}', '{"list": [3, 9, 2]}')).toBe('9');
    expect(render('{{ (value | from_json).a }}', '{"a": 3}')).toBe('3');
    expect(render('{{ value_json.rssi | int(0) | abs }}', '{"rssi": -71}')).toBe('71');
    expect(render('{{ value | int(base=16) }}', 'ff')).toBe('255');
    expect(render('{{ float(value_json.v) + 1 }}', '{"v": "2.5"}')).toBe('3.5');
    expect(render('{{ value_json.on | bool | iif(1, 0) }}', '{"on": "yes"}')).toBe('1');
    expect(render('{% set t = value_json.t | float %}{{ (t * 9 / 5 + 32) | round(1) }}', '{"t": 20}')).toBe(
      '68',
    );
    expect(render('{{ value_json.v | is_defined }}', '{"v": 4}')).toBe('4');
    expect(render('{{ value_json.l | length }}', '{"l": [1,2,3]}')).toBe('3');
    expect(render('{{ value_json.s | replace("_", " ") | title }}', '{"s": "heat_pump"}')).toBe('Heat Pump');
    // Python's dict.get on value_json
    expect(render("{{ value_json.get('t') }}", '{"t": 5}')).toBe('5');
    expect(render("{{ value_json.env.get('rh', 50) }}", '{"env": {}}')).toBe('50');
    // Python's round: half to even
    expect(render('{{ 2.5 | round }}', '0')).toBe('2');
    expect(render('{{ 7.25 | round(1, "floor") }}', '0')).toBe('7.2');
  });

  it('a missing value, a bad number and is_defined on nothing refuse the message with a reason', () => {
    expect(() => render('{{ value_json.a.b }}', '{"a": 1}')).toThrow(/template: .*undefined/);
    expect(() => render('{{ value_json.t | float }}', '{"t": "warm"}')).toThrow(
      /float got invalid input "warm"/,
    );
    expect(() => render('{{ value_json.t | is_defined }}', '{}')).toThrow(/undefined \(is_defined\)/);
    expect(() => render('{{ value_json.t }}', 'not json')).toThrow(/template:/);
    expect(() => render('{{ value | from_json }}', 'nope')).toThrow(/from_json got invalid input/);
  });

  it('refuses templates outside the safe subset when the config is parsed', () => {
    for (const t of [
      "{{ ''.__class__.__mro__ }}",
      '{{ value_json.__proto__ }}',
      '{{ value_json.constructor }}',
      '{{ value_json["constr" ~ "uctor"] }}',
      '{{ range.constructor("return process")() }}',
      '{{ cycler.constructor("return process")() }}',
      '{{ value.split(",") }}',
      '{{ value_json.get.constructor("return process")() }}',
      '{{ value_json.items() }}',
      '{{ value_json.a | system("ls") }}',
      '{{ value | attr("x") }}',
      '{% for i in value_json %}{{ i }}{% endfor %}',
      '{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}',
      '{% include "/etc/passwd" %}',
      '{% import "x" as y %}',
      '{% extends "x" %}',
      '{% set x %}block{% endset %}{{ x }}',
      '{{ value is match(r/(a+)+$/) }}',
      '{{ value | replace(r/(a+)+$/, "") }}',
      '{{ states("sensor.x") }}',
      '{{ value ~ value ~ value ~ value ~ value ~ value ~ value ~ value ~ value ~ value }}',
      '{{ value',
      'x'.repeat(2000),
    ]) {
      expect(() => compileValueTemplate(t), t.slice(0, 60)).toThrow();
    }
  });

  it('hostile renders stay bounded and leave no trace on prototypes', () => {
    // text that would double past the output cap is refused, not built
    const big = JSON.stringify({ s: 'x'.repeat(MAX_OUTPUT) });
    expect(() => render('{{ value_json.s ~ value_json.s }}', big)).toThrow(/output over/);
    expect(() => render('{{ value_json.s | replace("x", "xxxxxxxx") }}', big)).toThrow(
      /over the output limit/,
    );
    // JSON's own __proto__ key is data, never reachable
    expect(() => render('{{ value_json.a }}', '{"__proto__": {"a": 1}}')).toThrow();
    expect(({} as Record<string, unknown>).a).toBeUndefined();
    // NaN and Infinity render as text the components refuse as values (see components.test.ts)
    expect(render('{{ value_json.v | float }}', '{"v": "nan"}')).toBe('NaN');
    expect(render('{{ value_json.v | float }}', '{"v": "inf"}')).toBe('Infinity');
  });
});
