import type { EntityAnnouncement } from '../../../shared/adapter/contract.ts';
import { isRecord } from '../families/family.ts';

/**
 * Tasmota's sensor JSON (`tele/<t>/SENSOR`, the `sn` object of `tasmota/discovery/<MAC>/sensors`,
 * `StatusSNS` of `stat/<t>/STATUS10` / `STATUS8` / `STATUS`), read the way hatasmota reads it
 * (hatasmota/sensor.py `get_sensor_entities`): every group object except Time, PN532 and RDM6300
 * yields one entity per field; a nested object (TX23 `Speed: {Act, Avg...}`) one per sub-field; an
 * array (3-phase `Voltage: [230, 231, 229]`) one per index. The field name is the quantity, whose
 * unit comes from hatasmota's SENSOR_UNIT_MAP, or, for temperature, dew point, pressure and speed,
 * from the device's own TempUnit / PressureUnit / SpeedUnit (SENSOR_DYNAMIC_UNIT_MAP): a device set
 * to °F reports °F, and Truss says °F.
 */

interface Quantity {
  unit: string | null;
  deviceClass: string | null;
}

const q = (unit: string | null, deviceClass: string | null = null): Quantity => ({ unit, deviceClass });

/** hatasmota/const.py + sensor.py SENSOR_UNIT_MAP; device classes as Home Assistant's tasmota/sensor.py gives them */
const QUANTITIES: Record<string, Quantity> = {
  ActivePower: q('W', 'power'),
  Ambient: q('lx', 'illuminance'),
  ApparentPower: q('VA', 'apparent_power'),
  Battery: q('%', 'battery'),
  Blue: q('B'),
  CarbonDioxide: q('ppm', 'carbon_dioxide'),
  CCT: q('K'),
  CF1: q('µg/m³', 'pm1'),
  'CF2.5': q('µg/m³', 'pm25'),
  CF10: q('µg/m³', 'pm10'),
  Current: q('A', 'current'),
  CurrentNeutral: q('A', 'current'),
  Distance: q('cm', 'distance'),
  eCO2: q('ppm', 'carbon_dioxide'),
  Energy: q('kWh', 'energy'),
  ExportActive: q('kWh', 'energy'),
  ExportReactive: q('kVArh'),
  Factor: q('Cos φ', 'power_factor'),
  Frequency: q('Hz', 'frequency'),
  Green: q('G'),
  Humidity: q('%', 'humidity'),
  Illuminance: q('lx', 'illuminance'),
  ImportActive: q('kWh', 'energy'),
  ImportReactive: q('kVArh'),
  Moisture: q('%', 'moisture'),
  'PB0.3': q('ppd'),
  'PB0.5': q('ppd'),
  PB1: q('ppd'),
  'PB2.5': q('ppd'),
  PB5: q('ppd'),
  PB10: q('ppd'),
  PhaseAngle: q('°'),
  PM1: q('µg/m³', 'pm1'),
  'PM2.5': q('µg/m³', 'pm25'),
  PM10: q('µg/m³', 'pm10'),
  Power: q('W', 'power'),
  Proximity: q(null),
  ReactivePower: q('VAr', 'reactive_power'),
  Red: q('R'),
  Today: q('kWh', 'energy'),
  Total: q('kWh', 'energy'),
  TotalStartTime: q(null, 'timestamp'),
  TVOC: q('ppb', 'volatile_organic_compounds_parts'),
  Voltage: q('V', 'voltage'),
  Weight: q('kg', 'weight'),
  Yesterday: q('kWh', 'energy'),
};

/** quantities whose unit the device reports itself, with the units hatasmota accepts for each */
const DYNAMIC: Record<string, { field: UnitField; deviceClass: string }> = {
  Temperature: { field: 'TempUnit', deviceClass: 'temperature' },
  DewPoint: { field: 'TempUnit', deviceClass: 'temperature' },
  Pressure: { field: 'PressureUnit', deviceClass: 'pressure' },
  SeaPressure: { field: 'PressureUnit', deviceClass: 'pressure' },
  Speed: { field: 'SpeedUnit', deviceClass: 'wind_speed' },
};

export type UnitField = 'TempUnit' | 'PressureUnit' | 'SpeedUnit';
export type DeviceUnits = Record<UnitField, string>;
export const DEFAULT_UNITS: DeviceUnits = { TempUnit: 'C', PressureUnit: 'hPa', SpeedUnit: 'km/h' };

/** hatasmota's supported units (TEMP_CELSIUS/FAHRENHEIT, PRESSURE_HPA/MMHG, SPEED_*) as Truss spells them */
const UNIT_SPELLING: Record<UnitField, Record<string, string>> = {
  TempUnit: { C: '°C', F: '°F', K: 'K' },
  PressureUnit: { hPa: 'hPa', mmHg: 'mmHg', inHg: 'inHg' },
  SpeedUnit: { 'm/s': 'm/s', 'km/h': 'km/h', kn: 'kn', mph: 'mph', 'ft/s': 'ft/s', 'yd/s': 'yd/s' },
};

const IGNORED_GROUPS = new Set(['Time', 'PN532', 'RDM6300']);
const NAME_PART = /^[A-Za-z0-9_.:+-]{1,64}$/;
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
/** a group or field name that can be part of an entity key (never a prototype name) */
const usableName = (n: string): boolean => NAME_PART.test(n) && !PROTOTYPE_NAMES.has(n);
export const MAX_SENSOR_ENTITIES = 128;
const MAX_STRING_VALUE = 64;

/**
 * The unit fields a sensor body carries (`"TempUnit":"F"` beside the groups), merged over what the
 * device said before. Unknown units are refused and the previous one kept: a value is never shown
 * in a unit that was not announced.
 */
export function readUnits(body: Record<string, unknown>, prev: DeviceUnits): DeviceUnits {
  const next = { ...prev };
  for (const field of Object.keys(UNIT_SPELLING) as UnitField[]) {
    const v = body[field];
    if (typeof v === 'string' && Object.hasOwn(UNIT_SPELLING[field], v)) next[field] = v;
  }
  return next;
}

export interface SensorLeaf {
  key: string;
  /** path from the sensor body's root to the value */
  path: Array<string | number>;
  value: unknown;
  announcement: EntityAnnouncement;
}

function describe(quantity: string, units: DeviceUnits): Quantity {
  const dyn = Object.hasOwn(DYNAMIC, quantity) ? DYNAMIC[quantity] : undefined;
  if (dyn) return { unit: UNIT_SPELLING[dyn.field][units[dyn.field]] ?? null, deviceClass: dyn.deviceClass };
  return Object.hasOwn(QUANTITIES, quantity) ? QUANTITIES[quantity]! : q(null);
}

/** Every sensor leaf of a body, in hatasmota's order; at most MAX_SENSOR_ENTITIES. */
export function sensorLeaves(body: unknown, units: DeviceUnits): SensorLeaf[] {
  const out: SensorLeaf[] = [];
  if (!isRecord(body)) return out;
  const add = (path: Array<string | number>, quantity: string, value: unknown): boolean => {
    if (value !== null && typeof value !== 'number' && typeof value !== 'string') return true;
    const spec = describe(quantity, units);
    const [group, ...rest] = path;
    const key = path.join('.');
    out.push({
      key,
      path,
      value,
      announcement: {
        key,
        name: `${group === 'ENERGY' ? 'Energy' : String(group)} ${rest.join(' ')}`,
        kind: 'sensor',
        deviceClass: spec.deviceClass,
        unit: spec.unit,
        writable: false,
      },
    });
    return out.length < MAX_SENSOR_ENTITIES;
  };
  for (const [group, fields] of Object.entries(body)) {
    if (IGNORED_GROUPS.has(group) || !isRecord(fields) || !usableName(group)) continue;
    for (const [field, v] of Object.entries(fields)) {
      if (!usableName(field)) continue;
      if (isRecord(v)) {
        for (const [sub, leaf] of Object.entries(v)) {
          if (usableName(sub) && !add([group, field, sub], field, leaf)) return out;
        }
      } else if (Array.isArray(v)) {
        for (let i = 0; i < Math.min(v.length, 16); i++) if (!add([group, field, i], field, v[i])) return out;
      } else if (!add([group, field], field, v)) return out;
    }
  }
  return out;
}

/** A leaf's value as an entity state, or why it is refused (Tasmota sends null for a failed read). */
export function leafValue(v: unknown): { ok: true; value: number | string } | { ok: false; reason: string } {
  if (typeof v === 'number' && Number.isFinite(v)) return { ok: true, value: v };
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[-+]?(nan|inf(inity)?)$/i.test(s)) return { ok: false, reason: `${s} is not a measurement` };
    if (s.length > MAX_STRING_VALUE) return { ok: false, reason: 'text value too long' };
    return { ok: true, value: s };
  }
  return { ok: false, reason: `${JSON.stringify(v)} is not a measurement` };
}
