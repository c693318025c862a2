import type { Irradiance, SunPosition } from './sun.ts';
import { planeIrradiance } from './sun.ts';

export interface PvArray {
  /** peak power under 1000 W/m², W */
  capacityW: number;
  tiltDeg: number;
  /** degrees from north; 180 faces south */
  azimuthDeg: number;
  /** inverter, wiring and temperature losses */
  performanceRatio: number;
}

export function pvPowerW(array: PvArray, sun: SunPosition, sky: Irradiance): number {
  const poa = planeIrradiance(sun, sky, array.tiltDeg, array.azimuthDeg);
  return Math.min(array.capacityW, (array.capacityW * poa * array.performanceRatio) / 1000);
}
