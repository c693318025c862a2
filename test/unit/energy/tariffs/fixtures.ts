import type { TariffBand, TariffInput, TariffVersionInput } from '../../../../shared/energy/tariff.ts';

export const TZ = 'Europe/Berlin';
export const HOUR = 3_600_000;
export const QUARTER = 900_000;

/** A German-style time-of-use tariff: night 22-06 every day, weekday day rate, weekend/holiday day rate. */
export function touVersion(over: Partial<TariffVersionInput> = {}): TariffVersionInput {
  const bands = (day: number): TariffBand[] => [
    {
      name: 'night',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday'],
      from: '22:00',
      to: '06:00',
      importPrice: 0.2,
    },
    { name: 'day', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '06:00', to: '22:00', importPrice: day },
    { name: 'weekend', days: ['sat', 'sun', 'holiday'], from: '06:00', to: '22:00', importPrice: 0.25 },
  ];
  return {
    validFrom: '2024-01-01',
    seasons: [
      { name: 'winter', from: '10-01', to: '03-31', bands: bands(0.35) },
      { name: 'summer', from: '04-01', to: '09-30', bands: bands(0.3) },
    ],
    exportPrice: 0.08,
    demandCharges: [{ name: 'peak', pricePerKw: 10 }],
    fixedCharges: [
      { name: 'meter', amount: 0.5, per: 'day' },
      { name: 'standing', amount: 12, per: 'month' },
    ],
    taxes: { vatPercent: 19, levies: [{ name: 'grid levy', perKWh: 0.02 }] },
    billing: { periodStartDay: 15 },
    holidays: { country: 'DE' },
    ...over,
  };
}

export function touTariff(over: Partial<TariffInput> = {}): TariffInput {
  return { id: 'tou', name: 'Time of use', currency: 'EUR', versions: [touVersion()], ...over };
}

/** Constant import of `kw` from `from` to `to` in intervals of `step` ms. */
export function constantIntervals(from: number, to: number, kw: number, step = QUARTER, exportKw = 0) {
  const out = [];
  for (let t = from; t < to; t += step)
    out.push({ start: t, end: t + step, importKWh: (kw * step) / HOUR, exportKWh: (exportKw * step) / HOUR });
  return out;
}

/** Instant of a local Berlin wall-clock time given its UTC offset in hours (+1 CET, +2 CEST). */
export function berlin(iso: string, offsetH: 1 | 2): number {
  return Date.parse(`${iso}${offsetH === 1 ? '+01:00' : '+02:00'}`);
}
