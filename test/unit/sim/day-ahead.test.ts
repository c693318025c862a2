import { describe, expect, it } from 'vitest';
import { dayAheadPrices } from '../../../adapters/sim/building/day-ahead.ts';
import { SimPriceFeed } from '../../../adapters/sim/mqtt/price-feed.ts';
import { parsePricePayload } from '../../../main/core/energy/tariffs/dynamic/formats.ts';
import { silentLogger } from '../../../main/core/log/logger.ts';

const HOUR = 3_600_000;
// local midnight of Wednesday 12 June 2024 at UTC+1 (the shape's clock)
const DAY = Date.parse('2024-06-11T23:00:00Z');

describe("the demo's day-ahead market", () => {
  it('has a daily shape: cheap nights, a midday dip, the evening peak highest', () => {
    for (let d = 0; d < 14; d++) {
      const p = dayAheadPrices(DAY + d * 24 * HOUR, 42).map((x) => x.price);
      expect(p).toHaveLength(24);
      const evening = Math.max(...p.slice(17, 21));
      expect(evening).toBe(Math.max(...p));
      expect(Math.min(...p.slice(1, 5))).toBeLessThan(evening);
      expect(Math.min(...p.slice(11, 15))).toBeLessThan(Math.max(...p.slice(7, 10)));
    }
  });

  it('differs from day to day but is the same for the same seed', () => {
    expect(dayAheadPrices(DAY, 42)).toEqual(dayAheadPrices(DAY, 42));
    expect(dayAheadPrices(DAY, 42)).not.toEqual(dayAheadPrices(DAY + 24 * HOUR, 42));
    expect(dayAheadPrices(DAY, 42)).not.toEqual(dayAheadPrices(DAY, 7));
  });

  it("publishes yesterday, today and tomorrow in aWATTar's format, which Truss's parser reads", () => {
    const feed = new SimPriceFeed({ log: silentLogger(), seed: 42, now: () => DAY + 10 * HOUR });
    const parsed = parsePricePayload(feed.payload(), { currency: 'EUR' });
    expect(parsed.format).toBe('awattar');
    expect(parsed.points).toHaveLength(72);
    expect(parsed.points[0]!.start).toBe(DAY - 24 * HOUR);
    expect(parsed.points[71]!.end).toBe(DAY + 48 * HOUR);
    // EUR/MWh in the payload, EUR/kWh stored
    expect(parsed.points[24]!.price).toBeCloseTo(dayAheadPrices(DAY, 42)[0]!.price / 1000, 9);
    expect(feed.spec().acl).toEqual({ publish: ['market/dayahead/de-lu'], subscribe: [] });
  });
});
