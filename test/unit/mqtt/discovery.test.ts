import { describe, expect, it } from 'vitest';
import { expandConfig } from '../../../adapters/mqtt/discovery/abbreviations.ts';
import { parseDiscoveryTopic } from '../../../adapters/mqtt/discovery/topic.ts';
import {
  inOwnTree,
  topicPolicyError,
  topicSyntaxError,
} from '../../../adapters/mqtt/discovery/topic-policy.ts';
import { availabilityEntries, CommonConfig } from '../../../adapters/mqtt/discovery/common.ts';
import { DeviceAvailability } from '../../../adapters/mqtt/availability.ts';

describe('discovery topics', () => {
  it('parses component, optional node_id and object_id', () => {
    expect(parseDiscoveryTopic('homeassistant', 'homeassistant/sensor/abc/config')).toEqual({
      component: 'sensor',
      nodeId: null,
      objectId: 'abc',
    });
    expect(parseDiscoveryTopic('homeassistant', 'homeassistant/light/node1/lamp/config')).toEqual({
      component: 'light',
      nodeId: 'node1',
      objectId: 'lamp',
    });
    expect(parseDiscoveryTopic('homeassistant', 'homeassistant/device/dev1/config')).toEqual({
      component: 'device',
      nodeId: null,
      objectId: 'dev1',
    });
    expect(parseDiscoveryTopic('homeassistant', 'homeassistant/sensor/config')).toBeNull();
    expect(parseDiscoveryTopic('homeassistant', 'homeassistant/sensor/a b/config')).toBeNull();
    expect(parseDiscoveryTopic('homeassistant', 'other/sensor/a/config')).toBeNull();
  });
});

describe('abbreviations and ~', () => {
  it('expands keys, device keys, availability entries and the base topic at either end', () => {
    const out = expandConfig({
      '~': 'dev/1',
      stat_t: '~/state',
      cmd_t: 'cmnd/~',
      uniq_id: 'u',
      json_attr_t: '~/attr',
      name: '~ not a topic',
      dev: { ids: ['x'], mf: 'Acme', mdl: 'M', sw: '1' },
      avty: [{ t: '~/avail', pl_avail: 'up' }],
    });
    expect(out.state_topic).toBe('dev/1/state');
    expect(out.command_topic).toBe('cmnd/dev/1');
    expect(out.json_attr_t).toBe('~/attr'); // unknown abbreviation: left as is, and unused
    expect(out.name).toBe('~ not a topic');
    expect(out.unique_id).toBe('u');
    expect(out.device).toEqual({ identifiers: ['x'], manufacturer: 'Acme', model: 'M', sw_version: '1' });
    expect(out.availability).toEqual([{ topic: 'dev/1/avail', payload_available: 'up' }]);
  });

  it('keeps __proto__ keys as inert data', () => {
    const out = expandConfig(
      JSON.parse('{"__proto__": {"polluted": true}, "uniq_id": "u"}') as Record<string, unknown>,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(CommonConfig.parse(out).unique_id).toBe('u');
  });

  it('collects availability from avty_t and the availability list', () => {
    const c = CommonConfig.parse(
      expandConfig({ uniq_id: 'u', avty_t: 'a/lwt', pl_avail: 'On', avty: [{ t: 'b/status' }] }),
    );
    expect(availabilityEntries(c)).toEqual([
      { topic: 'b/status', payload_available: 'online', payload_not_available: 'offline' },
      {
        topic: 'a/lwt',
        payload_available: 'On',
        payload_not_available: 'offline',
        value_template: undefined,
      },
    ]);
  });
});

describe('device availability modes', () => {
  const a = { topic: 'a', payload_available: 'online', payload_not_available: 'offline' };
  const b = { topic: 'b', payload_available: 'online', payload_not_available: 'offline' };
  it('latest, all and any', () => {
    const latest = new DeviceAvailability();
    expect(latest.observe(a, 'online')).toBe(true);
    expect(latest.observe(b, 'offline')).toBe(false);
    const all = new DeviceAvailability();
    all.setMode('all');
    all.observe(a, 'online');
    expect(all.observe(b, 'offline')).toBe(false);
    const any = new DeviceAvailability();
    any.setMode('any');
    any.observe(a, 'online');
    expect(any.observe(b, 'offline')).toBe(true);
    expect(() => any.observe(a, 'maybe')).toThrow(/neither available/);
  });
});

describe('topic policy', () => {
  it('rejects unsafe topic syntax', () => {
    expect(topicSyntaxError('a/b')).toBeNull();
    expect(topicSyntaxError('a/+')).toMatch(/wildcard/);
    expect(topicSyntaxError('a/#')).toMatch(/wildcard/);
    expect(topicSyntaxError('a\u0000')).toMatch(/control/);
    expect(topicSyntaxError('$SYS/x')).toMatch(/\$ system/);
    expect(topicSyntaxError('a/\uD800')).toMatch(/UTF-8/);
    expect(topicSyntaxError('x'.repeat(300))).toMatch(/256 bytes/);
    expect(topicSyntaxError(Array(20).fill('a').join('/'))).toMatch(/levels/);
  });

  it('own tree: clientId as first level, or second level under a shared root', () => {
    expect(inOwnTree('plug-1', 'plug-1/power')).toBe(true);
    expect(inOwnTree('plug-1', 'tele/plug-1/SENSOR')).toBe(true);
    expect(inOwnTree('plug-1', 'truss-sim/plug-1/relay/set')).toBe(true);
    expect(inOwnTree('plug-1', 'meter/power')).toBe(false);
    expect(inOwnTree('plug-1', 'tele/plug-1')).toBe(false);
    expect(inOwnTree('plug-1', 'plug-10/power')).toBe(false);
  });

  it('asks the ACL hook when there is one; trusts the core’s own configs', async () => {
    const hook = {
      mayPublish: (_c: string, t: string) => t.startsWith('site/'),
      maySubscribe: (_c: string, t: string) => t === 'site/set',
    };
    expect(await topicPolicyError('p', { state: ['site/x'], command: ['site/set'] }, hook)).toBeNull();
    expect(await topicPolicyError('p', { state: ['p/x'], command: [] }, hook)).toMatch(
      /outside what p may publish/,
    );
    expect(await topicPolicyError('p', { state: [], command: ['site/other'] }, hook)).toMatch(
      /may subscribe to/,
    );
    expect(await topicPolicyError(null, { state: ['anything/at/all'], command: [] }, undefined)).toBeNull();
    expect(await topicPolicyError(null, { state: ['a/#'], command: [] }, undefined)).toMatch(/wildcard/);
  });
});
