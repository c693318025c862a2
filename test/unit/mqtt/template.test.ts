import { describe, expect, it } from 'vitest';
import { compileValueTemplate } from '../../../adapters/mqtt/template.ts';

describe('value_template extractor', () => {
  it('handles the common forms', () => {
    expect(compileValueTemplate(undefined)('raw')).toBe('raw');
    expect(compileValueTemplate('{{ value }}')('21')).toBe('21');
    expect(compileValueTemplate('{{value_json.temperature}}')('{"temperature": 21.5}')).toBe(21.5);
    expect(compileValueTemplate('{{ value_json.a.b }}')('{"a": {"b": "x"}}')).toBe('x');
    expect(compileValueTemplate("{{ value_json['ENERGY'].Power }}")('{"ENERGY": {"Power": 12}}')).toBe(12);
    expect(compileValueTemplate('{{ value_json.list[1] }}')('{"list": [1, 2]}')).toBe(2);
    expect(compileValueTemplate('{{ value_json.t | float }}')('{"t": "19.25"}')).toBe(19.25);
    expect(compileValueTemplate('{{ value_json.t | round(1) }}')('{"t": 19.26}')).toBe(19.3);
    expect(compileValueTemplate('{{ value_json.t | int }}')('{"t": 19.9}')).toBe(19);
    expect(compileValueTemplate('{{ value | lower }}')('ON')).toBe('on');
  });

  it('refuses anything beyond them when the config is parsed', () => {
    for (const t of [
      "{{ ''.__class__.__mro__ }}",
      '{{ value_json.__proto__ }}',
      '{{ value_json.constructor }}',
      '{% if value %}1{% endif %}',
      '{{ value_json.a | system("ls") }}',
      '{{ value.x }}',
      '{{ states("sensor.x") }}',
      'prefix {{ value }}',
    ]) {
      expect(() => compileValueTemplate(t), t).toThrow();
    }
  });

  it('fails cleanly on payloads that do not fit', () => {
    const ex = compileValueTemplate('{{ value_json.a.b }}');
    expect(() => ex('not json')).toThrow();
    expect(() => ex('{"a": 1}')).toThrow('template: no key b');
    expect(() => ex('{"a": {"b": {"c": 1}}}')).toThrow('template: value is not a scalar');
    expect(() => ex('{"a": {"__proto__": {"b": 1}}}')).toThrow();
    expect(() => compileValueTemplate('{{ value_json.t | float }}')('{"t": "warm"}')).toThrow(/not a number/);
    expect(() => compileValueTemplate('{{ value_json.x[5] }}')('{"x": [1]}')).toThrow('template: no index 5');
  });
});
