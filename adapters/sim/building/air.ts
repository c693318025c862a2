/** Indoor air quality: CO2 and humidity as well-mixed zones exchanging air with outdoors. */

export const OUTDOOR_CO2_PPM = 420;
/** CO2 exhaled by a seated adult: about 0.0052 L/s. */
const CO2_M3_PER_PERSON_S = 5.2e-6;
/** moisture from a seated adult: about 50 g/h */
const MOISTURE_G_PER_PERSON_H = 50;
const AIR_KG_PER_M3 = 1.2;
/** Pa of vapour pressure per g/kg of humidity ratio near sea level */
const PA_PER_G_PER_KG = 163;

function relax(value: number, equilibrium: number, airChangesPerHour: number, dtSeconds: number): number {
  return equilibrium + (value - equilibrium) * Math.exp((-airChangesPerHour * dtSeconds) / 3600);
}

export function co2After(
  ppm: number,
  occupants: number,
  volumeM3: number,
  airChangesPerHour: number,
  dtSeconds: number,
): number {
  const sourcePpmPerS = (occupants * CO2_M3_PER_PERSON_S * 1e6) / volumeM3;
  const equilibrium = OUTDOOR_CO2_PPM + (sourcePpmPerS * 3600) / airChangesPerHour;
  return relax(ppm, equilibrium, airChangesPerHour, dtSeconds);
}

/** Saturation vapour pressure over water, Pa (Magnus-Tetens, Alduchov-Eskridge constants). */
export function saturationPressurePa(celsius: number): number {
  return 610.94 * Math.exp((17.625 * celsius) / (celsius + 243.04));
}

/** The zone's vapour pressure (Pa) moves toward outdoor air plus what its occupants breathe out. */
export function vapourPressureAfter(
  pa: number,
  outdoorTemperature: number,
  outdoorHumidityPct: number,
  occupants: number,
  volumeM3: number,
  airChangesPerHour: number,
  dtSeconds: number,
): number {
  const outdoorPa = (outdoorHumidityPct / 100) * saturationPressurePa(outdoorTemperature);
  const addedGPerKg = (occupants * MOISTURE_G_PER_PERSON_H) / (airChangesPerHour * volumeM3 * AIR_KG_PER_M3);
  return relax(pa, outdoorPa + addedGPerKg * PA_PER_G_PER_KG, airChangesPerHour, dtSeconds);
}

export function relativeHumidityPct(vapourPa: number, celsius: number): number {
  return Math.min(100, Math.max(0, (100 * vapourPa) / saturationPressurePa(celsius)));
}
