/** Power in W or kW, as a building manager reads it. */
export function formatW(w: number | null | undefined): string {
  if (w === null || w === undefined || !Number.isFinite(w)) return '–';
  return Math.abs(w) >= 1000 ? `${(w / 1000).toFixed(2)} kW` : `${Math.round(w)} W`;
}

export function formatMoney(x: number | null | undefined, currency: string | null): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency ?? 'EUR' }).format(x);
  } catch {
    return `${x.toFixed(2)} ${currency ?? ''}`;
  }
}

export function formatKWh(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${x.toFixed(x < 10 ? 2 : 1)} kWh`;
}
