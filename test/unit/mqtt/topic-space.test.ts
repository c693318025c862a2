import { describe, expect, it } from 'vitest';
import {
  aclConflict,
  claimsSharedRoot,
  coveringFilters,
  filtersOverlap,
  topicSpace,
} from '../../../adapters/mqtt/commissioning/topic-space.ts';

const space = topicSpace('homeassistant', 'zigbee2mqtt');

describe('topic filters that overlap (MQTT 3.1.1 §4.7 wildcards)', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['a/+', 'a/b/c', false],
    ['a/+/c', 'a/b/+', true],
    ['+/+', 'a', false],
    ['#', 'x/y', true],
    ['a/b/c', 'a/b', false],
  ])('%s ~ %s: %s', (a, b, want) => {
    expect(filtersOverlap(a, b)).toBe(want);
    expect(filtersOverlap(b, a)).toBe(want);
  });
});

describe('claiming a shared root', () => {
  it.each([
    ['cmnd/#', true],
    ['cmnd', true],
    ['tele/+/STATE', true],
    ['#', true],
    ['+/status', true],
    ['cmnd/plug/#', false],
    ['homeassistant/+/node/+/config', false],
    ['homeassistant/+/+/+/config', true],
    ['homeassistant/status', false],
    ['livingroom/#', false],
  ])('%s: %s', (f, want) => expect(claimsSharedRoot(f, space)).toBe(want));
});

describe('the narrowest covering filters', () => {
  it('groups by root, takes the common directory, keeps single topics exact', () => {
    expect(coveringFilters(['node/sensor/t/state', 'node/status', 'other/x'], space)).toEqual([
      'node/#',
      'other/x',
    ]);
  });
  it('goes one level deeper under a shared root, or stays exact', () => {
    expect(coveringFilters(['tele/plug/STATE', 'tele/plug/LWT'], space)).toEqual(['tele/plug/#']);
    expect(coveringFilters(['tele/a/STATE', 'tele/b/STATE'], space)).toEqual([
      'tele/a/STATE',
      'tele/b/STATE',
    ]);
  });
});

describe('ACL conflicts', () => {
  const others = [
    { username: 'plug', publish: ['stat/plug/#'], subscribe: ['cmnd/plug/#'] },
    { username: 'monitor', publish: [], subscribe: ['#'] },
  ];
  it("refuses another device's command topic, naming it; a monitor on # owns nothing", () => {
    expect(aclConflict('x', { publish: ['cmnd/plug/POWER'], subscribe: [] }, others, space)).toMatch(
      /overlaps cmnd\/plug\/#, .*"plug"/,
    );
    expect(aclConflict('x', { publish: ['x/#'], subscribe: ['x/cmd'] }, others, space)).toBeNull();
  });
  it('a device may keep its own filters, and the birth topic is everyone’s', () => {
    const birth = new Set(['homeassistant/status']);
    expect(aclConflict('plug', { publish: ['stat/plug/#'], subscribe: [] }, others, space)).toBeNull();
    const withBirth = [...others, { username: 'esp', publish: [], subscribe: ['homeassistant/status'] }];
    expect(
      aclConflict('y', { publish: [], subscribe: ['homeassistant/status'] }, withBirth, space, birth),
    ).toBeNull();
  });
});
