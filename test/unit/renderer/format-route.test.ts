import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../shared/domain/entity.ts';
import { formatAgo, formatState } from '../../../renderer/lib/format.ts';
import { href, parseRoute } from '../../../renderer/lib/router.ts';

const entity = (over: Partial<Entity>): Entity => ({
  id: 'e',
  deviceId: 'd',
  key: 'k',
  name: 'E',
  kind: 'sensor',
  deviceClass: null,
  unit: null,
  writable: false,
  attributes: {},
  createdAt: 0,
  ...over,
});
const st = (value: unknown) => ({ value: value as never, ts: 0, source: 's', quality: 'good' as const });

describe('formatState', () => {
  it('reads like a person would say it', () => {
    expect(formatState(entity({ unit: '°C' }), st(21.456))).toBe('21.5 °C');
    expect(formatState(entity({ unit: 'V' }), st(3.256))).toBe('3.26 V');
    expect(formatState(entity({ unit: 'W' }), st(7586.9))).toBe('7,587 W');
    expect(formatState(entity({ kind: 'binary_sensor', deviceClass: 'occupancy' }), st(true))).toBe(
      'Occupied',
    );
    expect(formatState(entity({ kind: 'binary_sensor', deviceClass: 'door' }), st(false))).toBe('Closed');
    expect(formatState(entity({ kind: 'light' }), st({ on: true, level: 78 }))).toBe('On · 78 %');
    expect(formatState(entity({ kind: 'light' }), st({ on: false, level: 78 }))).toBe('Off');
    expect(formatState(entity({ kind: 'climate' }), st({ mode: 'heat', setpoint: 21, current: 20.5 }))).toBe(
      'Heat · 20.5 °C · set 21 °C',
    );
    expect(formatState(entity({}), undefined)).toBe('—');
    expect(formatState(entity({}), st(null))).toBe('—');
  });

  it('formats ages', () => {
    expect(formatAgo(null)).toBe('never');
    expect(formatAgo(1000, 2000)).toBe('just now');
    expect(formatAgo(0, 42_000)).toBe('42 s ago');
    expect(formatAgo(0, 5 * 60_000)).toBe('5 min ago');
    expect(formatAgo(10_000, 0)).toBe('just now'); // a clock slightly ahead is not "in the future"
  });
});

describe('routes', () => {
  it('round-trips every page, including ids that need escaping', () => {
    for (const r of [
      { page: 'overview' },
      { page: 'devices' },
      { page: 'device', deviceId: 'dev/with spaces#and?' },
      { page: 'settings', tab: 'users' },
      { page: 'settings', tab: null },
    ] as const) {
      expect(parseRoute(href(r))).toEqual(r);
    }
  });

  it('falls back to the overview on garbage', () => {
    expect(parseRoute('#/nowhere')).toEqual({ page: 'overview' });
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('#/devices/%E0%A4%A')).toEqual({ page: 'device', deviceId: '%E0%A4%A' });
  });
});
