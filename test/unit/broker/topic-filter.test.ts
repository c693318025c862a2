import { describe, expect, it } from 'vitest';
import {
  filterCovers,
  isValidTopicFilter,
  isValidTopicName,
  topicMatches,
} from '../../../main/core/broker/topic-filter.ts';
import { mayPublish, maySubscribe } from '../../../main/core/broker/acl.ts';

describe('topic filters', () => {
  it('validates topic names and filters', () => {
    expect(isValidTopicName('a/b/c')).toBe(true);
    expect(isValidTopicName('')).toBe(false);
    expect(isValidTopicName('a/+/c')).toBe(false);
    expect(isValidTopicName('a/#')).toBe(false);
    expect(isValidTopicName('a\u0000b')).toBe(false);
    expect(isValidTopicName('x'.repeat(2000))).toBe(false);
    expect(isValidTopicFilter('a/+/c/#')).toBe(true);
    expect(isValidTopicFilter('#')).toBe(true);
    expect(isValidTopicFilter('a/#/c')).toBe(false);
    expect(isValidTopicFilter('a/b+/c')).toBe(false);
    expect(isValidTopicFilter('a/b#')).toBe(false);
  });

  it('matches topics with + and #', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+/c', 'a/b/d')).toBe(false);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('a/#', 'a')).toBe(true); // '#' includes the parent level
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('#', 'anything/at/all')).toBe(true);
    expect(topicMatches('a/b', 'a/b/c')).toBe(false);
    expect(topicMatches('+/+', '/x')).toBe(true); // empty levels are levels
  });

  it('never lets a first-level wildcard reach $ topics', () => {
    expect(topicMatches('#', '$SYS/broker/x')).toBe(false);
    expect(topicMatches('+/broker/x', '$SYS/broker/x')).toBe(false);
    expect(topicMatches('$SYS/#', '$SYS/broker/x')).toBe(true);
  });

  it('decides whether one filter covers another', () => {
    expect(filterCovers('plug/#', 'plug/+/set')).toBe(true);
    expect(filterCovers('plug/#', 'plug/#')).toBe(true);
    expect(filterCovers('plug/+/set', 'plug/#')).toBe(false);
    expect(filterCovers('plug/+/set', 'plug/+/set')).toBe(true);
    expect(filterCovers('plug/x/set', 'plug/+/set')).toBe(false);
    expect(filterCovers('plug/+', 'plug/#')).toBe(false);
    expect(filterCovers('a/b', '#')).toBe(false);
  });
});

describe('ACL', () => {
  const plug = { publish: ['plug-1/#', 'homeassistant/+/plug-1/+/config'], subscribe: ['plug-1/set/+'] };
  it('allows publishing only inside the credential patterns', () => {
    expect(mayPublish(plug, 'plug-1/power')).toBe(true);
    expect(mayPublish(plug, 'homeassistant/sensor/plug-1/power/config')).toBe(true);
    expect(mayPublish(plug, 'meter-main/power')).toBe(false);
    expect(mayPublish(plug, 'homeassistant/sensor/meter-main/power/config')).toBe(false);
    expect(mayPublish({ publish: [], subscribe: [] }, 'plug-1/power')).toBe(false);
  });
  it('grants a subscription only when an allowed filter covers all it could match', () => {
    expect(maySubscribe(plug, 'plug-1/set/power')).toBe(true);
    expect(maySubscribe(plug, 'plug-1/set/+')).toBe(true);
    expect(maySubscribe(plug, 'plug-1/set/#')).toBe(false);
    expect(maySubscribe(plug, '#')).toBe(false);
  });
});
