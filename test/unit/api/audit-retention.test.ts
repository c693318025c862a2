import { describe, expect, it } from 'vitest';
import { RefusalAggregator } from '../../../main/core/auth/refusal-aggregator.ts';

describe('RefusalAggregator', () => {
  it('records the first refusal per source per window and summarises the rest', () => {
    const a = new RefusalAggregator({ windowMs: 60_000 });
    expect(a.admit('10.0.0.9', 'site.snapshot', 0)).toBe(true);
    for (let i = 1; i <= 1200; i++) expect(a.admit('10.0.0.9', 'site.snapshot', i)).toBe(false);
    expect(a.admit('10.0.0.7', 'user.list', 5)).toBe(true); // another source is recorded on its own
    expect(a.drain(30_000)).toEqual([]); // window still open
    expect(a.drain(60_001)).toEqual([
      { source: '10.0.0.9', count: 1200, actions: ['site.snapshot'], from: 0, to: 1200 },
    ]);
    expect(a.admit('10.0.0.9', 'site.snapshot', 60_002)).toBe(true); // a new window
  });

  it('bounds its memory under a spoofed-source storm', () => {
    const a = new RefusalAggregator({ maxSources: 100 });
    let written = 0;
    for (let i = 0; i < 10_000; i++) if (a.admit(`10.0.${i >> 8}.${i & 255}`, 'x', 0)) written++;
    expect(written).toBe(100);
  });
});
