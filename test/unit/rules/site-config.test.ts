import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../main/core/config/config-schema.ts';

describe('site in the configuration', () => {
  it('defaults to the demo building in Frankfurt', () => {
    expect(ConfigSchema.parse({ dataDir: '/x' }).site).toEqual({
      lat: 50.11,
      lon: 8.68,
      timezone: 'Europe/Berlin',
    });
  });
  it('rejects impossible coordinates and unknown time zones at their field', () => {
    const r = ConfigSchema.safeParse({ dataDir: '/x', site: { lat: 91, lon: 8, timezone: 'Mars/Olympus' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['site.lat', 'site.timezone']);
  });
});
