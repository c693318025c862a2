import type { LocalTime } from './clock.ts';
import { MINUTE_MS } from './clock.ts';
import { hash01, valueNoise } from './noise.ts';
import type { LoadKind } from './site.ts';

export interface LoadInputs {
  epochMs: number;
  time: LocalTime;
  seed: number;
  /** people in the plug's room */
  occupants: number;
  plugId: string;
}

/**
 * What an appliance draws when its plug is on, W. Events (a print job, a coffee) are placed by the
 * seed within fixed slots, so they do not depend on how often the model is stepped.
 */
export function applianceDrawW(kind: LoadKind, x: LoadInputs): number {
  const minutes = x.epochMs / MINUTE_MS;
  const inSlot = (slotMin: number) => {
    const slot = Math.floor(minutes / slotMin);
    return { slot, secondsIn: (minutes - slot * slotMin) * 60 };
  };
  const draw = (what: string, position: number) => hash01(x.seed, `${x.plugId}:${what}`, position);
  switch (kind) {
    case 'workstation': {
      if (x.occupants === 0) return 6;
      return 70 * x.occupants + 25 * valueNoise(x.seed, `${x.plugId}:cpu`, minutes / 3) + 30;
    }
    case 'printer': {
      const { slot, secondsIn } = inSlot(5);
      const printing = x.occupants > 0 && draw('job', slot) < 0.15;
      const start = draw('start', slot) * 240;
      return printing && secondsIn >= start && secondsIn < start + 40 ? 650 : 9;
    }
    case 'display':
      return x.occupants > 0 ? 135 + 10 * valueNoise(x.seed, `${x.plugId}:panel`, minutes / 5) : 0.5;
    case 'coffee': {
      const { slot, secondsIn } = inSlot(10);
      const h = x.time.hour;
      const busy = x.time.isWorkday && h >= 7 && h < 17;
      const p = (h >= 8 && h < 9.5) || (h >= 12.5 && h < 13.5) ? 0.7 : 0.25;
      const brewing = busy && draw('brew', slot) < p;
      const start = draw('start', slot) * 400;
      return brewing && secondsIn >= start && secondsIn < start + 100 ? 1350 : 2;
    }
    case 'fridge': {
      // Compressor cycling: a 45 min period with a seeded phase, longer runs when the room is warm.
      const periodMin = 45;
      const phase = draw('phase', 0) * periodMin;
      const duty = 0.35 + 0.05 * valueNoise(x.seed, `${x.plugId}:duty`, minutes / 120);
      const pos = (((minutes + phase) % periodMin) + periodMin) % periodMin;
      return pos < duty * periodMin ? 95 : 1.5;
    }
    case 'server':
      return 230 + 35 * valueNoise(x.seed, `${x.plugId}:load`, minutes / 10);
  }
}

/** A dimmable LED luminaire's draw: the driver's floor plus a near-linear share of its rating. */
export function lightDrawW(ratedW: number, on: boolean, brightness: number): number {
  if (!on || brightness <= 0) return 0;
  return ratedW * (0.08 + 0.92 * (brightness / 255));
}
