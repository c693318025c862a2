import type { EntityAnnouncement } from '../../../shared/adapter/contract.ts';
import { isRecord } from '../families/family.ts';

/**
 * Shelly Gen2/Gen3 component statuses, field by field, as Shelly's Gen2 API documents them
 * (https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/<Component>#status):
 * Switch, Cover, Light, Input, PM1, EM (Pro 3EM: per phase a_/b_/c_), EMData (Wh counters, per
 * phase), EM1, EM1Data, DevicePower (battery), Temperature, Humidity, Illuminance, Voltmeter.
 *
 * An entity exists as soon as its field is in a status (also with a null value: a cover not yet
 * calibrated has `current_pos: null`), so a partial NotifyStatus announces what it carries and a
 * later one adds the rest. Energy counters arrive in Wh and are kept in kWh.
 */

export const COMPONENT = /^([a-z][a-z0-9]{1,15}):(\d{1,3})$/;

type Value = number | boolean | string;

interface Field {
  /** key suffix: `<component>/<suffix>`; '' is the component's main entity (`switch:0`) */
  suffix: string;
  name: string;
  kind: EntityAnnouncement['kind'];
  unit: string | null;
  deviceClass: string | null;
  writable?: boolean;
  attributes?: EntityAnnouncement['attributes'];
  /** undefined: the field is not in this status; null: present without a usable value */
  read(s: Record<string, unknown>): Value | null | undefined;
}

/** a number at `path`, divided by `per` (Wh counters -> kWh: per 1000) */
const num =
  (path: string[], per = 1) =>
  (s: Record<string, unknown>): number | null | undefined => {
    let node: unknown = s;
    for (const p of path) {
      if (!isRecord(node) || !Object.hasOwn(node, p)) return undefined;
      node = node[p];
    }
    if (typeof node !== 'number' || !Number.isFinite(node)) return null;
    // Wh -> kWh without binary-fraction noise (1207.563 Wh is 1.207563 kWh, not ...0000002)
    return per === 1 ? node : Math.round((node / per) * 1e9) / 1e9;
  };
const bool =
  (key: string) =>
  (s: Record<string, unknown>): boolean | null | undefined =>
    !Object.hasOwn(s, key) ? undefined : typeof s[key] === 'boolean' ? s[key] : null;

const sensor = (
  suffix: string,
  name: string,
  unit: string | null,
  deviceClass: string | null,
  read: Field['read'],
): Field => ({ suffix, name, kind: 'sensor', unit, deviceClass, read });

/** the metering fields Switch, Cover, Light and PM1 share */
const metering = (power: string): Field[] => [
  sensor('power', 'Power', 'W', 'power', num([power])),
  sensor('voltage', 'Voltage', 'V', 'voltage', num(['voltage'])),
  sensor('current', 'Current', 'A', 'current', num(['current'])),
  sensor('pf', 'Power factor', null, 'power_factor', num(['pf'])),
  sensor('frequency', 'Frequency', 'Hz', 'frequency', num(['freq'])),
  sensor('energy', 'Energy', 'kWh', 'energy', num(['aenergy', 'total'], 1000)),
  // firmware 1.2+ counts energy sent back through the relay (a PV micro-inverter on a plug)
  sensor('ret_energy', 'Returned energy', 'kWh', 'energy', num(['ret_aenergy', 'total'], 1000)),
  sensor('temperature', 'Temperature', '°C', 'temperature', num(['temperature', 'tC'])),
];

const phases = ['a', 'b', 'c'] as const;

const FIELDS: Record<string, Field[]> = {
  switch: [
    {
      suffix: '',
      name: 'Switch',
      kind: 'switch',
      unit: null,
      deviceClass: 'outlet',
      writable: true,
      read: bool('output'),
    },
    ...metering('apower'),
  ],
  cover: [
    {
      suffix: '',
      name: 'Cover',
      kind: 'cover',
      unit: '%',
      deviceClass: 'shutter',
      writable: true,
      attributes: { min: 0, max: 100, step: 1 },
      read: num(['current_pos']),
    },
    {
      suffix: 'state',
      name: 'Cover state',
      kind: 'sensor',
      unit: null,
      deviceClass: 'enum',
      read: (s) =>
        !Object.hasOwn(s, 'state') ? undefined : typeof s.state === 'string' ? s.state.slice(0, 32) : null,
    },
    ...metering('apower'),
  ],
  pm1: metering('apower'),
  input: [
    {
      suffix: '',
      name: 'Input',
      kind: 'binary_sensor',
      unit: null,
      deviceClass: null,
      read: bool('state'),
    },
    sensor('percent', 'Analog input', '%', null, num(['percent'])),
    sensor('count', 'Pulse count', null, null, num(['counts', 'total'])),
    sensor('frequency', 'Pulse frequency', 'Hz', 'frequency', num(['freq'])),
  ],
  em: [
    sensor('power', 'Total power', 'W', 'power', num(['total_act_power'])),
    sensor('apparent_power', 'Total apparent power', 'VA', 'apparent_power', num(['total_aprt_power'])),
    sensor('total_current', 'Total current', 'A', 'current', num(['total_current'])),
    sensor('n_current', 'Neutral current', 'A', 'current', num(['n_current'])),
    ...phases.flatMap((p) => [
      sensor(`${p}_power`, `Phase ${p.toUpperCase()} power`, 'W', 'power', num([`${p}_act_power`])),
      sensor(`${p}_voltage`, `Phase ${p.toUpperCase()} voltage`, 'V', 'voltage', num([`${p}_voltage`])),
      sensor(`${p}_current`, `Phase ${p.toUpperCase()} current`, 'A', 'current', num([`${p}_current`])),
      sensor(
        `${p}_apparent_power`,
        `Phase ${p.toUpperCase()} apparent power`,
        'VA',
        'apparent_power',
        num([`${p}_aprt_power`]),
      ),
      sensor(`${p}_pf`, `Phase ${p.toUpperCase()} power factor`, null, 'power_factor', num([`${p}_pf`])),
      sensor(`${p}_frequency`, `Phase ${p.toUpperCase()} frequency`, 'Hz', 'frequency', num([`${p}_freq`])),
    ]),
  ],
  emdata: [
    sensor('total_act', 'Total energy', 'kWh', 'energy', num(['total_act'], 1000)),
    sensor('total_act_ret', 'Total returned energy', 'kWh', 'energy', num(['total_act_ret'], 1000)),
    ...phases.flatMap((p) => [
      sensor(
        `${p}_total_act_energy`,
        `Phase ${p.toUpperCase()} energy`,
        'kWh',
        'energy',
        num([`${p}_total_act_energy`], 1000),
      ),
      sensor(
        `${p}_total_act_ret_energy`,
        `Phase ${p.toUpperCase()} returned energy`,
        'kWh',
        'energy',
        num([`${p}_total_act_ret_energy`], 1000),
      ),
    ]),
  ],
  em1: [
    sensor('power', 'Power', 'W', 'power', num(['act_power'])),
    sensor('voltage', 'Voltage', 'V', 'voltage', num(['voltage'])),
    sensor('current', 'Current', 'A', 'current', num(['current'])),
    sensor('apparent_power', 'Apparent power', 'VA', 'apparent_power', num(['aprt_power'])),
    sensor('pf', 'Power factor', null, 'power_factor', num(['pf'])),
    sensor('frequency', 'Frequency', 'Hz', 'frequency', num(['freq'])),
  ],
  em1data: [
    sensor('total_act_energy', 'Energy', 'kWh', 'energy', num(['total_act_energy'], 1000)),
    sensor('total_act_ret_energy', 'Returned energy', 'kWh', 'energy', num(['total_act_ret_energy'], 1000)),
  ],
  devicepower: [
    {
      suffix: 'battery',
      name: 'Battery',
      kind: 'battery',
      unit: '%',
      deviceClass: 'battery',
      read: num(['battery', 'percent']),
    },
    sensor('battery_voltage', 'Battery voltage', 'V', 'voltage', num(['battery', 'V'])),
    {
      suffix: 'external_power',
      name: 'External power',
      kind: 'binary_sensor',
      unit: null,
      deviceClass: 'plug',
      read: (s) =>
        !isRecord(s.external)
          ? undefined
          : typeof s.external.present === 'boolean'
            ? s.external.present
            : null,
    },
  ],
  temperature: [sensor('temperature', 'Temperature', '°C', 'temperature', num(['tC']))],
  humidity: [sensor('humidity', 'Humidity', '%', 'humidity', num(['rh']))],
  illuminance: [sensor('illuminance', 'Illuminance', 'lx', 'illuminance', num(['lux']))],
  voltmeter: [sensor('voltage', 'Voltage', 'V', 'voltage', num(['voltage']))],
};

/** the component types Truss reads; `light` is handled apart (its value is a record) */
export const KNOWN_TYPES = new Set([...Object.keys(FIELDS), 'light']);

const keyOf = (component: string, f: Field): string =>
  f.suffix === '' ? component : `${component}/${f.suffix}`;

/** The entities a (possibly partial) status of one component shows. */
export function componentEntities(
  component: string,
  type: string,
  status: Record<string, unknown>,
): EntityAnnouncement[] {
  const n = component.split(':')[1] ?? '0';
  if (type === 'light') {
    const out: EntityAnnouncement[] = [];
    if ('output' in status || 'brightness' in status)
      out.push({
        key: component,
        name: `Light ${n}`,
        kind: 'light',
        deviceClass: null,
        unit: null,
        writable: true,
        attributes: { dimmable: 'brightness' in status },
      });
    for (const f of metering('apower'))
      if (f.read(status) !== undefined) out.push(announcement(component, n, f));
    return out;
  }
  const fields = Object.hasOwn(FIELDS, type) ? FIELDS[type]! : [];
  return fields.filter((f) => f.read(status) !== undefined).map((f) => announcement(component, n, f));
}

function announcement(component: string, n: string, f: Field): EntityAnnouncement {
  return {
    key: keyOf(component, f),
    name: `${f.name} ${n}`,
    kind: f.kind,
    deviceClass: f.deviceClass,
    unit: f.unit,
    writable: f.writable ?? false,
    ...(f.attributes ? { attributes: f.attributes } : {}),
  };
}

/** The entity values a (partial) component status carries; null readings are left out. */
export function componentValues(
  component: string,
  type: string,
  s: Record<string, unknown>,
): Array<[string, Value | Record<string, number | boolean>]> {
  const out: Array<[string, Value | Record<string, number | boolean>]> = [];
  if (type === 'light') {
    const v: Record<string, number | boolean> = {};
    if (typeof s.output === 'boolean') v.on = s.output;
    const b = num(['brightness'])(s);
    if (typeof b === 'number') v.level = b;
    if (Object.keys(v).length > 0) out.push([component, v]);
    for (const f of metering('apower')) {
      const x = f.read(s);
      if (x !== undefined && x !== null) out.push([keyOf(component, f), x]);
    }
    return out;
  }
  const fields = Object.hasOwn(FIELDS, type) ? FIELDS[type]! : [];
  for (const f of fields) {
    const x = f.read(s);
    if (x !== undefined && x !== null) out.push([keyOf(component, f), x]);
  }
  return out;
}
