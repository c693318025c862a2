import { getPosition } from 'suncalc';

/**
 * Clear-sky irradiance on a tilted plane, from published models (each formula as pvlib-python
 * implements it, so its documented test values apply):
 *
 * - sun position: suncalc (apparent, refraction-corrected altitude; azimuth from north);
 * - extraterrestrial irradiance: Spencer, J. W. (1971), "Fourier series representation of the
 *   position of the sun", Search 2(5), 172, with the solar constant 1366.1 W/m^2;
 * - clear-sky GHI: Haurwitz, B. (1945), "Insolation in relation to cloudiness and cloud density",
 *   J. Meteorology 2, 154-166: GHI = 1098 cos(z) exp(-0.059 / cos(z)), z the apparent zenith;
 * - GHI -> DNI + DHI: Erbs, D. G., Klein, S. A., Duffie, J. A. (1982), "Estimation of the diffuse
 *   radiation fraction for hourly, daily and monthly-average global radiation", Solar Energy 28(4),
 *   293-302;
 * - transposition to the array: Hay, J. E., Davies, J. A. (1980), "Calculation of the solar
 *   radiation incident on an inclined surface", Proc. First Canadian Solar Radiation Data Workshop,
 *   59-72 (circumsolar + isotropic sky diffuse), and isotropic ground reflection;
 * - clouds (optional): Kasten, F., Czeplak, G. (1980), "Solar and terrestrial radiation dependent on
 *   the amount and type of cloud", Solar Energy 24, 177-189: GHI = GHI_clear (1 - 0.75 C^3.4).
 */

const RAD = Math.PI / 180;
const cosd = (x: number) => Math.cos(x * RAD);
const sind = (x: number) => Math.sin(x * RAD);

export interface SunAngles {
  /** apparent zenith, degrees */
  zenith: number;
  /** degrees clockwise from north */
  azimuth: number;
}

export function sunAngles(ts: number, lat: number, lon: number): SunAngles {
  const p = getPosition(new Date(ts), lat, lon);
  return { zenith: 90 - p.altitude, azimuth: p.azimuth };
}

/** Day of the year, 1..366, in UTC. */
export function dayOfYear(ts: number): number {
  const d = new Date(ts);
  return Math.floor((ts - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** Spencer (1971) extraterrestrial normal irradiance, W/m^2. */
export function extraterrestrialIrradiance(doy: number, solarConstant = 1366.1): number {
  const b = ((2 * Math.PI) / 365) * (doy - 1);
  const r =
    1.00011 +
    0.034221 * Math.cos(b) +
    0.00128 * Math.sin(b) +
    0.000719 * Math.cos(2 * b) +
    0.000077 * Math.sin(2 * b);
  return solarConstant * r;
}

/** Haurwitz (1945) clear-sky GHI, W/m^2, from the apparent zenith in degrees. */
export function haurwitzGhi(apparentZenith: number): number {
  const c = cosd(apparentZenith);
  return c > 0 ? 1098 * c * Math.exp(-0.059 / c) : 0;
}

/** Erbs et al. (1982): DNI and DHI from GHI (pvlib defaults: min cos zenith 0.065, max zenith 87). */
export function erbs(
  ghi: number,
  zenith: number,
  dniExtra: number,
): { dni: number; dhi: number; kt: number } {
  const cosZ = Math.max(cosd(zenith), 0.065);
  const kt = Math.min(1, Math.max(0, ghi / (dniExtra * cosZ)));
  let df: number;
  if (kt <= 0.22) df = 1 - 0.09 * kt;
  else if (kt <= 0.8) df = 0.9511 - 0.1604 * kt + 4.388 * kt ** 2 - 16.638 * kt ** 3 + 12.336 * kt ** 4;
  else df = 0.165;
  let dhi = df * ghi;
  let dni = (ghi - dhi) / cosd(zenith);
  if (zenith > 87 || ghi < 0 || dni < 0) {
    dni = 0;
    dhi = ghi;
  }
  return { dni, dhi, kt };
}

/** Cosine of the angle of incidence of the beam on a surface (tilt, azimuth from north). */
export function aoiProjection(
  tilt: number,
  surfaceAzimuth: number,
  zenith: number,
  solarAzimuth: number,
): number {
  const p = cosd(zenith) * cosd(tilt) + sind(zenith) * sind(tilt) * cosd(solarAzimuth - surfaceAzimuth);
  return Math.max(-1, Math.min(1, p));
}

/** Hay & Davies (1980) sky diffuse on a tilted surface, W/m^2 (as pvlib.irradiance.haydavies). */
export function hayDaviesSkyDiffuse(
  tilt: number,
  surfaceAzimuth: number,
  dhi: number,
  dni: number,
  dniExtra: number,
  zenith: number,
  solarAzimuth: number,
): number {
  const cosTt = Math.max(aoiProjection(tilt, surfaceAzimuth, zenith, solarAzimuth), 0);
  const rb = cosTt / Math.max(cosd(zenith), 0.01745);
  const ai = dni / dniExtra;
  const isotropic = Math.max(dhi * (1 - ai) * 0.5 * (1 + cosd(tilt)), 0);
  const circumsolar = Math.max(dhi * ai * rb, 0);
  return isotropic + circumsolar;
}

/** Ground-reflected irradiance on a tilted surface (isotropic), W/m^2. */
export function groundDiffuse(tilt: number, ghi: number, albedo: number): number {
  return ghi * albedo * (1 - cosd(tilt)) * 0.5;
}

/** Kasten & Czeplak (1980): the share of clear-sky GHI that reaches the ground under cloud cover C (0..1). */
export function cloudFactor(cloudCover: number): number {
  const c = Math.min(1, Math.max(0, cloudCover));
  return 1 - 0.75 * c ** 3.4;
}

export interface PlaneIrradiance {
  ghi: number;
  dni: number;
  dhi: number;
  /** plane of array: beam + sky diffuse + ground reflected */
  poa: number;
}

/** Clear-sky (optionally clouded) irradiance on a plane at one instant. */
export function planeIrradiance(
  ts: number,
  lat: number,
  lon: number,
  plane: { tiltDeg: number; azimuthDeg: number; albedo: number },
  cloudCover: number | null = null,
): PlaneIrradiance {
  const sun = sunAngles(ts, lat, lon);
  if (sun.zenith >= 90) return { ghi: 0, dni: 0, dhi: 0, poa: 0 };
  const dniExtra = extraterrestrialIrradiance(dayOfYear(ts));
  const ghi = haurwitzGhi(sun.zenith) * (cloudCover === null ? 1 : cloudFactor(cloudCover));
  const { dni, dhi } = erbs(ghi, sun.zenith, dniExtra);
  const beam = dni * Math.max(aoiProjection(plane.tiltDeg, plane.azimuthDeg, sun.zenith, sun.azimuth), 0);
  const sky = hayDaviesSkyDiffuse(
    plane.tiltDeg,
    plane.azimuthDeg,
    dhi,
    dni,
    dniExtra,
    sun.zenith,
    sun.azimuth,
  );
  return { ghi, dni, dhi, poa: beam + sky + groundDiffuse(plane.tiltDeg, ghi, plane.albedo) };
}
