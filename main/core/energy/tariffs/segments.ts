import {
  type DayType,
  type TariffBand,
  type TariffVersion,
  seasonContains,
  windowMinutes,
} from '../../../../shared/energy/tariff.ts';
import { WEEKDAYS } from '../../../../shared/rules/primitives.ts';
import type { TariffContext } from './context.ts';
import { type LocalPiece, localPieces } from './local-calendar.ts';

/** One stretch of time at one price. */
export interface PriceSegment {
  start: number;
  end: number;
  /** local date the segment lies on */
  date: string;
  /** null before the tariff's first version: nothing is priced there */
  versionIndex: number | null;
  season: string;
  band: string;
  dayType: DayType;
  /** 'dynamic': the day-ahead series had a price; 'bands': the ToU bands applied; 'none': no version */
  source: 'dynamic' | 'bands' | 'none';
  /** currency per kWh imported, before levies and VAT */
  importPrice: number;
  /** currency per kWh exported (0 where export is not paid), before VAT */
  exportPrice: number;
  /** sum of the version's per-kWh levies on import */
  levyPerKWh: number;
  /** 0.19 for 19 % */
  vatRate: number;
  vatOnExport: boolean;
}

/** What one more kWh imported costs, all in: (energy + levies) x (1 + VAT). */
export function allInImportPrice(s: PriceSegment): number {
  return (s.importPrice + s.levyPerKWh) * (1 + s.vatRate);
}

/** What one more kWh exported earns, all in. */
export function allInExportPrice(s: PriceSegment): number {
  return s.exportPrice * (s.vatOnExport ? 1 + s.vatRate : 1);
}

export function dayTypeOf(ctx: TariffContext, date: string, weekday: number): DayType {
  const v = ctx.versionOn(date);
  return v && v.holidays.isHoliday(date) ? 'holiday' : WEEKDAYS[weekday]!;
}

/** Band time windows of one day type, as [fromMinute, toMinute) on the local clock. */
function bandWindows(bands: TariffBand[], day: DayType): Array<{ band: TariffBand; a: number; b: number }> {
  const out: Array<{ band: TariffBand; a: number; b: number }> = [];
  for (const band of bands) {
    if (!band.days.includes(day)) continue;
    for (const [a, b] of windowMinutes(band.from, band.to)) out.push({ band, a, b });
  }
  return out.sort((x, y) => x.a - y.a);
}

function bandSegments(piece: LocalPiece, version: TariffVersion, day: DayType): Array<PriceSegment> {
  const season = version.seasons.find((s) => seasonContains(s, piece.date.slice(5)))!;
  const levy = version.taxes.levies.reduce((s, l) => s + l.perKWh, 0);
  const pieceEndMinute = piece.startMinute + (piece.end - piece.start) / 60_000;
  const at = (minute: number) => piece.start + Math.round((minute - piece.startMinute) * 60_000);
  const out: PriceSegment[] = [];
  for (const { band, a, b } of bandWindows(season.bands, day)) {
    const x = Math.max(a, piece.startMinute);
    const y = Math.min(b, pieceEndMinute);
    if (y <= x) continue;
    out.push({
      start: at(x),
      end: at(y),
      date: piece.date,
      versionIndex: null,
      season: season.name,
      band: band.name,
      dayType: day,
      source: 'bands',
      importPrice: band.importPrice,
      exportPrice: band.exportPrice ?? version.exportPrice ?? 0,
      levyPerKWh: levy,
      vatRate: version.taxes.vatPercent / 100,
      vatOnExport: version.taxes.vatOnExport,
    });
  }
  return out;
}

/**
 * The prices in force over [from, to), split wherever any price, band, version or local day changes.
 * Local-clock bands are mapped to instants piece by piece (constant UTC offset), so a 25-hour day
 * has its repeated hour priced twice by the same band, and a 23-hour day lacks the skipped one.
 */
export function priceSegments(ctx: TariffContext, from: number, to: number): PriceSegment[] {
  const out: PriceSegment[] = [];
  for (const piece of localPieces(from, to, ctx.timezone)) {
    const inForce = ctx.versionOn(piece.date);
    if (!inForce) {
      out.push({
        start: piece.start,
        end: piece.end,
        date: piece.date,
        versionIndex: null,
        season: '',
        band: '',
        dayType: WEEKDAYS[piece.weekday]!,
        source: 'none',
        importPrice: 0,
        exportPrice: 0,
        levyPerKWh: 0,
        vatRate: 0,
        vatOnExport: false,
      });
      continue;
    }
    const { version, index } = inForce;
    const day: DayType = inForce.holidays.isHoliday(piece.date) ? 'holiday' : WEEKDAYS[piece.weekday]!;
    for (const seg of bandSegments(piece, version, day)) {
      seg.versionIndex = index;
      if (!version.dynamic || !ctx.prices) {
        out.push(seg);
        continue;
      }
      const dyn = version.dynamic;
      let t = seg.start;
      for (const p of ctx.prices.segments(dyn.series, seg.start, seg.end)) {
        if (p.start > t) out.push({ ...seg, start: t, end: p.start });
        out.push({
          ...seg,
          start: p.start,
          end: p.end,
          source: 'dynamic',
          importPrice: p.price * dyn.import.multiplier + dyn.import.adder,
          exportPrice: dyn.export ? p.price * dyn.export.multiplier + dyn.export.adder : seg.exportPrice,
        });
        t = p.end;
      }
      if (t < seg.end) out.push({ ...seg, start: t });
    }
  }
  return out;
}
