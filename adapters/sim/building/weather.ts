import { HOUR_MS, localTime } from './clock.ts';
import { clamp, valueNoise } from './noise.ts';

export interface Weather {
  /** °C */
  outdoorTemperature: number;
  /** 0 (clear) .. 1 (overcast) */
  cloudiness: number;
  /** % relative humidity outdoors */
  outdoorHumidity: number;
}

/**
 * A central-European climate: a seasonal mean (about 1 °C in January, 19 °C in July), a daily
 * swing peaking mid-afternoon that clouds flatten, and slow seeded noise so days differ.
 */
export function weatherAt(epochMs: number, seed: number, utcOffsetMinutes: number): Weather {
  const t = localTime(epochMs, utcOffsetMinutes);
  const hours = epochMs / HOUR_MS;
  const cloudiness = clamp(
    0.45 +
      0.35 * valueNoise(seed, 'cloud-day', hours / 24) +
      0.3 * valueNoise(seed, 'cloud-hour', hours / 1.5),
    0,
    1,
  );
  const seasonalMean = 10 - 9 * Math.cos((2 * Math.PI * (t.dayOfYear - 20)) / 365);
  const dailySwing = (4.5 - 2.5 * cloudiness) * Math.cos((2 * Math.PI * (t.hour - 15)) / 24);
  const drift = 2.5 * valueNoise(seed, 'temp-drift', hours / 8);
  const outdoorTemperature = seasonalMean + dailySwing + drift;
  const outdoorHumidity = clamp(
    70 - 2 * dailySwing + 20 * cloudiness - 10 + 8 * valueNoise(seed, 'humidity', hours / 6),
    25,
    100,
  );
  return { outdoorTemperature, cloudiness, outdoorHumidity };
}
