import { getPosition } from 'suncalc';

export interface SunPosition {
  /** degrees above the horizon (refraction-corrected) */
  elevation: number;
  /** degrees clockwise from north */
  azimuth: number;
}

export function sunPosition(epochMs: number, lat: number, lon: number): SunPosition {
  const p = getPosition(new Date(epochMs), lat, lon);
  return { elevation: p.altitude, azimuth: p.azimuth };
}

const DEG = Math.PI / 180;

export interface Irradiance {
  /** W/m² direct normal, clear sky */
  directNormal: number;
  /** W/m² diffuse horizontal, clear sky */
  diffuse: number;
  /** W/m² global horizontal after clouds */
  globalHorizontal: number;
  /** 0..1 share of clear-sky light that gets through the clouds */
  clearness: number;
}

/**
 * Clear-sky beam from Meinel's air-mass model (Kasten-Young air mass) and cloud attenuation after
 * Kasten-Czeplak: simple, closed-form, and right to within the tolerance a demo needs.
 */
export function irradiance(sun: SunPosition, cloudiness: number): Irradiance {
  if (sun.elevation <= 0) return { directNormal: 0, diffuse: 0, globalHorizontal: 0, clearness: 0 };
  const sinEl = Math.sin(sun.elevation * DEG);
  const airMass = 1 / (sinEl + 0.50572 * Math.pow(sun.elevation + 6.07995, -1.6364));
  const directNormal = 1353 * Math.pow(0.7, Math.pow(airMass, 0.678));
  const diffuse = 0.1 * directNormal;
  const clearness = 1 - 0.75 * Math.pow(cloudiness, 3.4);
  const globalHorizontal = (directNormal * sinEl + diffuse) * clearness;
  return { directNormal, diffuse, globalHorizontal, clearness };
}

/** W/m² on a plane of the given tilt (0 = flat) and azimuth (degrees from north). */
export function planeIrradiance(
  sun: SunPosition,
  sky: Irradiance,
  tiltDeg: number,
  azimuthDeg: number,
): number {
  if (sun.elevation <= 0) return 0;
  const el = sun.elevation * DEG;
  const tilt = tiltDeg * DEG;
  const cosIncidence =
    Math.sin(el) * Math.cos(tilt) +
    Math.cos(el) * Math.sin(tilt) * Math.cos((sun.azimuth - azimuthDeg) * DEG);
  // Clouds scatter the beam into diffuse light; the plane sees the sky dome share of it.
  const beam = sky.directNormal * Math.max(0, cosIncidence) * sky.clearness;
  const diffuse = sky.diffuse * ((1 + Math.cos(tilt)) / 2) * sky.clearness;
  return beam + diffuse;
}

/** Outdoor illuminance, lux: about 110 lm per W of global irradiance. */
export function outdoorIlluminance(sky: Irradiance): number {
  return sky.globalHorizontal * 110;
}
