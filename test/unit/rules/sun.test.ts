import { describe, expect, it } from 'vitest';
import { localMinute } from '../../../main/core/rules/local-time.ts';
import { sunTimes } from '../../../main/core/rules/sun.ts';

/**
 * Published sunrise/sunset tables, local clock time:
 * - Sydney, 1st of the month: https://whattime.city/sydney/sun (33.87 S, 151.21 E).
 * - London, 1 January: https://whattime.city/london/sun (51.51 N, 0.13 W). Its June, September
 *   and December rows disagree by 3-6 minutes with the solstice times below, so they are not used.
 * - London, solstices: timeanddate.com's London table (21 June 04:43 / 21:21 BST,
 *   21 December 08:04 / 15:53 GMT), the figures the UK press quotes every solstice.
 * The sun's times drift by well under a minute from one year to the next, and published tables
 * round to the minute, so we allow 2 minutes.
 */
const TABLES = [
  {
    city: 'London',
    site: { lat: 51.51, lon: -0.13, timezone: 'Europe/London' },
    rows: [
      ['2025-01-01', '08:07', '16:01'],
      ['2025-06-21', '04:43', '21:21'],
      ['2025-12-21', '08:04', '15:53'],
    ],
  },
  {
    city: 'Sydney',
    site: { lat: -33.87, lon: 151.21, timezone: 'Australia/Sydney' },
    rows: [
      ['2025-01-01', '05:48', '20:10'],
      ['2025-06-01', '06:52', '16:55'],
      ['2025-10-01', '05:34', '17:58'],
      ['2025-12-01', '05:38', '19:51'],
    ],
  },
] as const;

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

describe('sun times against published tables', () => {
  for (const { city, site, rows } of TABLES) {
    for (const [date, rise, set] of rows) {
      it(`${city} ${date}: sunrise ${rise}, sunset ${set}`, () => {
        const [year, month, day] = date.split('-').map(Number) as [number, number, number];
        const t = sunTimes({ year, month, day }, site);
        const local = (ms: number) => {
          const l = localMinute(ms, site.timezone);
          expect(`${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`).toBe(
            date,
          );
          return l.hour * 60 + l.minute;
        };
        expect(Math.abs(local(t.sunrise!) - minutes(rise))).toBeLessThanOrEqual(2);
        expect(Math.abs(local(t.sunset!) - minutes(set))).toBeLessThanOrEqual(2);
      });
    }
  }

  it('polar night has no sunrise (Tromsø, 20 December)', () => {
    const t = sunTimes(
      { year: 2025, month: 12, day: 20 },
      { lat: 69.65, lon: 18.96, timezone: 'Europe/Oslo' },
    );
    expect(t.sunrise).toBeNull();
    expect(t.sunset).toBeNull();
  });
});
