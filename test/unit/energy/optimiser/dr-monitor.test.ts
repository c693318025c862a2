import { describe, expect, it } from 'vitest';
import { DrMonitor } from '../../../../main/core/energy/planning/dr-monitor.ts';

const Q = 900_000;

describe('demand-response compliance', () => {
  it('averages import per 15-min interval inside the window and counts the intervals over the cap', () => {
    const m = new DrMonitor();
    const from = 10 * Q;
    // a sample a second: 2 kW in the first interval, 4 kW in the second (cap 3 kW)
    for (let at = from; at <= from + 2 * Q; at += 1000) m.sample(at, at < from + Q ? 2000 : 4000, true);
    const c = m.compliance({ capKw: 3, from, to: from + 2 * Q });
    expect(c.intervals).toBe(2);
    expect(c.compliant).toBe(1);
    expect(c.maxKw).toBeCloseTo(4, 2);
    // 1 kW over the cap for 15 minutes
    expect(c.excessKwh).toBeCloseTo(0.25, 2);
  });

  it('ignores samples outside windows, gaps and clock steps backwards', () => {
    const m = new DrMonitor();
    m.sample(0, 9000, false);
    m.sample(1000, 9000, false);
    m.sample(200_000, 9000, true); // a 199 s gap: not integrated
    m.sample(100_000, 9000, true); // backwards: ignored
    expect(m.compliance({ capKw: 1, from: 0, to: Q }).intervals).toBe(0);
  });
});
