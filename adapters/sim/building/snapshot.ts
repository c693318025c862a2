import type { ThermostatMode } from './thermal.ts';

/** Model truth, for tests and diagnostics. Powers in W, energies in kWh, temperatures in °C. */
export interface BuildingSnapshot {
  timeMs: number;
  outdoor: { temperature: number; humidity: number; cloudiness: number; illuminance: number };
  sun: { elevation: number; azimuth: number };
  zones: Record<string, ZoneSnapshot>;
  lights: Record<
    string,
    { roomId: string; on: boolean; brightness: number; powerW: number; energyKWh: number }
  >;
  plugs: Record<string, { roomId: string; on: boolean; powerW: number; energyKWh: number }>;
  pv: { powerW: number; energyKWh: number };
  /** net = loads + heating - pv; positive imports from the grid */
  meter: {
    netPowerW: number;
    importPowerW: number;
    exportPowerW: number;
    importEnergyKWh: number;
    exportEnergyKWh: number;
  };
  totals: { plugsW: number; lightsW: number; heatingW: number };
}

export interface ZoneSnapshot {
  name: string;
  floor: number;
  temperature: number;
  humidity: number;
  co2: number;
  illuminance: number;
  occupants: number;
  occupied: boolean;
  thermostat: { mode: ThermostatMode; setpoint: number; heating: boolean } | null;
  heatingPowerW: number;
  heatingEnergyKWh: number;
}
