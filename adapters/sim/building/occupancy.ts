import type { LocalTime } from './clock.ts';
import { MINUTE_MS } from './clock.ts';
import { hash01 } from './noise.ts';
import type { OccupancyKind } from './site.ts';

/**
 * People present in a room: a weekday office schedule, drawn per time slot from the seed so the
 * same seed gives the same day. Slots keep counts from flickering every tick.
 */
export function occupantsAt(
  kind: OccupancyKind,
  capacity: number,
  roomId: string,
  epochMs: number,
  time: LocalTime,
  seed: number,
): number {
  if (kind === 'none' || capacity <= 0) return 0;
  const h = time.hour;
  const slot = (minutes: number) => Math.floor(epochMs / (minutes * MINUTE_MS));
  const draw = (what: string, minutes: number) => hash01(seed, `${roomId}:${what}`, slot(minutes));

  if (!time.isWorkday) {
    // Someone drops by on a weekend now and then.
    return kind === 'office' && h > 10 && h < 15 && draw('weekend', 60) < 0.08 ? 1 : 0;
  }
  switch (kind) {
    case 'office': {
      const presence = officePresence(h);
      if (presence <= 0) return 0;
      return Math.min(capacity, Math.round(capacity * presence * (0.6 + 0.5 * draw('count', 15))));
    }
    case 'meeting': {
      if (h < 9 || h >= 17 || (h >= 12 && h < 13)) return 0;
      if (draw('booked', 30) >= 0.45) return 0;
      return Math.min(capacity, 2 + Math.floor(draw('size', 30) * (capacity - 1)));
    }
    case 'kitchen': {
      const lunch = h >= 12 && h < 13.5;
      const morning = h >= 7.5 && h < 9.5;
      const p = lunch ? 0.9 : morning ? 0.5 : h >= 9.5 && h < 17 ? 0.15 : 0;
      if (draw('present', lunch ? 15 : 10) >= p) return 0;
      const most = lunch ? capacity : 2;
      return 1 + Math.floor(draw('size', 10) * most);
    }
    case 'corridor': {
      const p = h >= 7.5 && h < 18.5 ? 0.45 : 0;
      return draw('walk', 5) < p ? 1 + Math.floor(draw('size', 5) * capacity * 0.5) : 0;
    }
  }
}

/** Share of the office staff in: arrivals 7:30-9:00, lunch dip, departures 16:30-18:30. */
function officePresence(h: number): number {
  if (h < 7.5 || h >= 18.5) return 0;
  if (h < 9) return (h - 7.5) / 1.5;
  if (h >= 12 && h < 13) return 0.5;
  if (h >= 16.5) return (18.5 - h) / 2;
  return 1;
}
