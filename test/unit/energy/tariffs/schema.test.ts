import { describe, expect, it } from 'vitest';
import {
  Tariff,
  TARIFF_FORMAT_VERSION,
  checkTariffUpdate,
  exportTariff,
  importTariff,
  reviseTariff,
} from '../../../../shared/energy/tariff.ts';
import { touTariff, touVersion } from './fixtures.ts';

const errorsOf = (t: unknown) => {
  const r = importTariff(JSON.stringify(t));
  return r.ok ? [] : r.errors;
};

describe('tariff schema', () => {
  it('round-trips through its JSON file with the format and version stamped', () => {
    const t = Tariff.parse(touTariff());
    const text = exportTariff(t);
    expect(JSON.parse(text)).toMatchObject({ format: 'truss.tariff', formatVersion: TARIFF_FORMAT_VERSION });
    const back = importTariff(text);
    expect(back.ok && back.tariff).toEqual(t);
  });

  it('a day type without a band for some hours is named with the hours', () => {
    const v = touVersion();
    v.seasons![1]!.bands[2]!.days = ['sun', 'holiday']; // Saturday day hours left out in summer
    expect(errorsOf(touTariff({ versions: [v] }))).toEqual([
      'versions[0].seasons[1].bands: season "summer": on Saturdays 06:00-22:00 has no band',
    ]);
  });

  it('overlapping bands are named, with the day and the first minute they share', () => {
    const v = touVersion();
    v.seasons![0]!.bands[1]!.to = '23:00';
    expect(errorsOf(touTariff({ versions: [v] }))).toEqual([
      'versions[0].seasons[0].bands[1]: season "winter": bands "night" and "day" overlap on Mondays at 22:00',
    ]);
  });

  it('seasons must cover every day of the year once, 29 February included', () => {
    const v = touVersion();
    v.seasons![0]!.to = '02-28';
    v.seasons![1]!.from = '03-01';
    expect(errorsOf(touTariff({ versions: [v] }))).toEqual(['versions[0].seasons: 02-29 is in no season']);
    const w = touVersion();
    w.seasons![1]!.from = '03-31';
    expect(errorsOf(touTariff({ versions: [w] }))).toEqual([
      'versions[0].seasons: 03-31 is in two seasons ("winter" and "summer")',
    ]);
  });

  it('field errors name the path: bad times, prices out of range, unknown keys, wrong order of versions', () => {
    const v = touVersion();
    v.seasons![0]!.bands[0]!.from = '25:00';
    v.seasons![0]!.bands[1]!.importPrice = 400; // EUR/MWh typed into a EUR/kWh field
    const errors = errorsOf({
      ...touTariff({ versions: [v, touVersion({ validFrom: '2023-01-01' })] }),
      colour: 'red',
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'versions[0].seasons[0].bands[0].from: a time as HH:MM (00:00-23:59)',
        'versions[0].seasons[0].bands[1].importPrice: at most 10 per kWh',
        expect.stringMatching(/^Unrecognized key.*colour/),
      ]),
    );
    expect(
      errorsOf(touTariff({ versions: [touVersion(), touVersion({ validFrom: '2023-01-01' })] })),
    ).toEqual([
      'versions[1].validFrom: versions must be in order of validFrom, each later than the one before (2024-01-01)',
    ]);
  });

  it('hostile and foreign files get a clear refusal', () => {
    expect(importTariff('{"format":"truss.tariff"')).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^not JSON/)],
    });
    expect(importTariff('[1,2]')).toEqual({ ok: false, errors: ['not a tariff: expected a JSON object'] });
    expect(importTariff(JSON.stringify({ ...touTariff(), format: 'openei.urdb' }))).toEqual({
      ok: false,
      errors: ['format: "openei.urdb" is not a Truss tariff ("truss.tariff")'],
    });
    expect(importTariff(JSON.stringify({ ...touTariff(), formatVersion: 2 }))).toEqual({
      ok: false,
      errors: [
        'formatVersion: this file is tariff format 2; this Truss reads format 1. Update Truss to import it',
      ],
    });
    expect(importTariff('x'.repeat(2_000_001))).toEqual({
      ok: false,
      errors: ['the file is larger than 2 MB'],
    });
    expect(errorsOf({ ...touTariff(), __proto__: { polluted: true }, versions: [] })).toEqual([
      'versions: a tariff needs at least one version',
    ]);
  });
});

describe('revising a tariff', () => {
  const t = Tariff.parse(touTariff());

  it('adds a version that starts after today; one starting today or earlier is refused', () => {
    const next = reviseTariff(t, touVersion({ validFrom: '2025-01-01', exportPrice: 0.07 }), '2024-12-31');
    expect(next.versions.map((v) => v.validFrom)).toEqual(['2024-01-01', '2025-01-01']);
    expect(() => reviseTariff(t, touVersion({ validFrom: '2024-12-31' }), '2024-12-31')).toThrow(
      /validFrom: a new version must start after today \(2024-12-31\)/,
    );
  });

  it('a future version can be replaced; a save that changes a version in force is refused', () => {
    const a = reviseTariff(t, touVersion({ validFrom: '2025-01-01', exportPrice: 0.07 }), '2024-12-01');
    const b = reviseTariff(a, touVersion({ validFrom: '2025-01-01', exportPrice: 0.06 }), '2024-12-01');
    expect(b.versions).toHaveLength(2);
    expect(b.versions[1]!.exportPrice).toBe(0.06);
    expect(checkTariffUpdate(a, b, '2024-12-01')).toBeNull();
    const edited = Tariff.parse({ ...a, versions: [touVersion({ exportPrice: 0.5 }), a.versions[1]] });
    expect(checkTariffUpdate(a, edited, '2024-12-01')).toMatch(
      /versions valid on or before 2024-12-01 cannot change/,
    );
    expect(checkTariffUpdate(a, { ...a, currency: 'CHF' }, '2024-12-01')).toMatch(/currency/);
  });
});
