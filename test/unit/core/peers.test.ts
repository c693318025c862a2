import { afterEach, describe, expect, it, vi } from 'vitest';
import { peerAvailable, programAvailable } from '../../integration/support/peers.ts';

describe('real peers a suite needs', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    vi.restoreAllMocks();
  });

  it('under CI=true a missing peer fails the suite instead of skipping it', () => {
    process.env.CI = 'true';
    expect(() => programAvailable('/nonexistent/mosquitto_pub', 'Debian mosquitto-clients')).toThrow(
      /Debian mosquitto-clients \(\/nonexistent\/mosquitto_pub\) is missing, and CI=true/,
    );
    expect(peerAvailable(true, 'anything')).toBe(true);
  });

  it('elsewhere a missing peer skips with a warning', () => {
    delete process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(peerAvailable(false, 'nats-server')).toBe(false);
    expect(warn).toHaveBeenCalledWith('skipped: nats-server is missing');
  });
});
