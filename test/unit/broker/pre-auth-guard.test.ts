import { describe, expect, it } from 'vitest';
import { maxPendingFor } from '../../../main/core/broker/descriptor-limit.ts';
import { PreAuthGuard } from '../../../main/core/broker/pre-auth-guard.ts';

describe('PreAuthGuard', () => {
  it('caps one LAN source without touching another, and releases idempotently', () => {
    const g = new PreAuthGuard({ maxTotal: 100, maxPerSource: 3 });
    for (let p = 1; p <= 3; p++) expect(g.admit('192.168.1.66', p)).toBe(true);
    expect(g.admit('192.168.1.66', 4)).toBe(false);
    expect(g.admit('192.168.1.20', 1)).toBe(true);
    g.release('192.168.1.66', 1);
    g.release('192.168.1.66', 1);
    expect(g.pending).toBe(3);
    expect(g.admit('192.168.1.66', 5)).toBe(true);
    expect(g.refused).toBe(1);
  });

  it('loopback has no per-source cap but counts in the total', () => {
    const g = new PreAuthGuard({ maxTotal: 5, maxPerSource: 1 });
    for (let p = 1; p <= 5; p++) expect(g.admit(p % 2 ? '127.0.0.1' : '::ffff:127.0.0.1', p)).toBe(true);
    expect(g.admit('::1', 9)).toBe(false);
  });

  it('sizes the cap from the descriptor limit', () => {
    expect(maxPendingFor(1024)).toBe(256);
    expect(maxPendingFor(1_048_576)).toBe(4096);
    expect(maxPendingFor(null)).toBe(256);
  });
});
