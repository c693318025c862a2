import type { PvArray } from './pv.ts';

export type OccupancyKind = 'office' | 'meeting' | 'kitchen' | 'corridor' | 'none';
export type LoadKind = 'workstation' | 'printer' | 'display' | 'coffee' | 'fridge' | 'server';

export interface RoomSpec {
  id: string;
  name: string;
  floor: number;
  areaM2: number;
  volumeM3: number;
  /** envelope + ventilation heat loss, W/K */
  uaWPerK: number;
  /** effective thermal mass, J/K */
  capacitanceJPerK: number;
  /** electric heater; 0 = unheated (no thermostat) */
  heaterW: number;
  defaultSetpoint: number;
  /** glazing that lets sun in, m² */
  windowM2: number;
  /** share of outdoor illuminance reaching the sensor */
  daylightFactor: number;
  airChangesPerHour: number;
  occupancy: OccupancyKind;
  capacity: number;
  light: { ratedW: number; fullLux: number } | null;
}

export interface PlugSpec {
  /** short id; the device's nodeId is `sim-<id>` */
  id: string;
  name: string;
  roomId: string;
  load: LoadKind;
}

export interface SiteSpec {
  name: string;
  lat: number;
  lon: number;
  utcOffsetMinutes: number;
  rooms: RoomSpec[];
  plugs: PlugSpec[];
  pv: PvArray;
}

/** Frankfurt am Main: a mid-European city, CET without summer time (see clock.ts). */
export const DEFAULT_LOCATION = { lat: 50.11, lon: 8.68 };

// Time constants (C/UA) of 8-14 h are typical for a light office building.
const HOUR_S = 3600;

export function defaultSite(location: { lat: number; lon: number } = DEFAULT_LOCATION): SiteSpec {
  return {
    name: 'Truss demo office',
    lat: location.lat,
    lon: location.lon,
    utcOffsetMinutes: 60,
    rooms: [
      room('kitchen', 'Kitchen', 0, 18, 'kitchen', 6, 2, { ratedW: 60, fullLux: 400 }, 2000, 20),
      room('corridor', 'Corridor', 0, 25, 'corridor', 4, 1, { ratedW: 40, fullLux: 250 }, 2500, 19),
      {
        ...room('plant', 'Plant room', 0, 10, 'none', 0, 0, null, 0, 16),
        daylightFactor: 0,
        airChangesPerHour: 0.5,
      },
      room('office', 'Office', 1, 36, 'office', 8, 4, { ratedW: 120, fullLux: 500 }, 3500, 21),
      room('meeting', 'Meeting room', 1, 24, 'meeting', 8, 3, { ratedW: 90, fullLux: 500 }, 2500, 21),
    ],
    plugs: [
      { id: 'office-plug-1', name: 'Office workstations', roomId: 'office', load: 'workstation' },
      { id: 'office-plug-2', name: 'Office printer', roomId: 'office', load: 'printer' },
      { id: 'meeting-plug-1', name: 'Meeting room display', roomId: 'meeting', load: 'display' },
      { id: 'kitchen-plug-1', name: 'Coffee machine', roomId: 'kitchen', load: 'coffee' },
      { id: 'kitchen-plug-2', name: 'Fridge', roomId: 'kitchen', load: 'fridge' },
      { id: 'plant-plug-1', name: 'Server rack', roomId: 'plant', load: 'server' },
    ],
    pv: { capacityW: 8000, tiltDeg: 30, azimuthDeg: 180, performanceRatio: 0.82 },
  };
}

function room(
  id: string,
  name: string,
  floor: number,
  areaM2: number,
  occupancy: OccupancyKind,
  capacity: number,
  windowM2: number,
  light: RoomSpec['light'],
  heaterW: number,
  defaultSetpoint: number,
): RoomSpec {
  // Envelope plus 1.5 air changes an hour of ventilation: about 2.5 W/K per m² of floor.
  const uaWPerK = 2.5 * areaM2;
  return {
    id,
    name,
    floor,
    areaM2,
    volumeM3: areaM2 * 2.8,
    uaWPerK,
    capacitanceJPerK: uaWPerK * 10 * HOUR_S,
    heaterW,
    defaultSetpoint,
    windowM2,
    daylightFactor: windowM2 > 0 ? 0.025 : 0.002,
    airChangesPerHour: 1.5,
    occupancy,
    capacity,
    light,
  };
}
