/**
 * One zone as a first-order RC circuit: dT/dt = (UA (Tout - T) + Q) / C. With the inputs held over
 * a step the exact solution is used, so any step length is stable.
 */
export function zoneTemperatureAfter(
  temperature: number,
  outdoor: number,
  gainsW: number,
  uaWPerK: number,
  capacitanceJPerK: number,
  dtSeconds: number,
): number {
  const equilibrium = outdoor + gainsW / uaWPerK;
  return equilibrium + (temperature - equilibrium) * Math.exp((-uaWPerK * dtSeconds) / capacitanceJPerK);
}

export type ThermostatMode = 'off' | 'heat';
export const THERMOSTAT_MODES: readonly ThermostatMode[] = ['off', 'heat'];
export const SETPOINT_MIN = 5;
export const SETPOINT_MAX = 30;
export const SETPOINT_STEP = 0.5;

export interface Thermostat {
  mode: ThermostatMode;
  setpoint: number;
  heating: boolean;
}

/** Hysteresis on both sides of the setpoint so the heater does not chatter. */
const HALF_BAND = 0.25;

export function thermostatDemand(t: Thermostat, temperature: number): boolean {
  if (t.mode === 'off') return false;
  if (temperature < t.setpoint - HALF_BAND) return true;
  if (temperature > t.setpoint + HALF_BAND) return false;
  return t.heating;
}
