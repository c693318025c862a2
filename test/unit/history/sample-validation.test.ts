import { describe, expect, it } from 'vitest';
import { MAX_ENTITY_ID_LENGTH, checkSample } from '../../../main/core/history/sample-validation.ts';

const NOW = Date.UTC(2026, 10, 23);

describe('checkSample', () => {
  it('accepts a plain sample', () => {
    expect(checkSample('sensor.temp', NOW - 1000, 21.5, NOW)).toBeNull();
    expect(checkSample('x'.repeat(MAX_ENTITY_ID_LENGTH), NOW, -0, NOW)).toBeNull();
  });

  it.each([NaN, Infinity, -Infinity, '21', null, undefined, {}, 10n])('rejects the value %s', (value) => {
    expect(checkSample('sensor.temp', NOW, value, NOW)).toBe('value');
  });

  it.each([
    ['negative', -1],
    ['zero', 0],
    ['before 2000', Date.UTC(1999, 11, 31)],
    ['year 3000', Date.UTC(3000, 0, 1)],
    ['two days ahead', NOW + 2 * 86_400_000],
    ['NaN', NaN],
    ['a string', '1700000000000'],
  ])('rejects a %s timestamp', (_label, ts) => {
    expect(checkSample('sensor.temp', ts, 1, NOW)).toBe('timestamp');
  });

  it.each([
    ['empty', ''],
    ['huge', 'e'.repeat(1_000_000)],
    ['one too long', 'e'.repeat(MAX_ENTITY_ID_LENGTH + 1)],
    ['not a string', 42],
  ])('rejects a %s entity id', (_label, id) => {
    expect(checkSample(id, NOW, 1, NOW)).toBe('entity-id');
  });
});
