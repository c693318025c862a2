import type { EntityAnnouncement } from '../../shared/adapter/contract.ts';
import type { EntityCommand } from '../../shared/domain/command.ts';
import type { StateValue } from '../../shared/domain/entity.ts';

/**
 * Converters' `exposes` -> domain entities. The converter state (what fromZigbee produced, e.g.
 * `{state:'ON', brightness:128}`) is read into entity values; domain commands become the
 * key/value pairs toZigbee's `convertSet` takes.
 */

export interface ExposeLike {
  type: string;
  name?: string;
  property?: string;
  access?: number;
  unit?: string;
  label?: string;
  endpoint?: string;
  value_on?: unknown;
  value_min?: number;
  value_max?: number;
  value_step?: number;
  values?: string[];
  features?: ExposeLike[];
  category?: string;
}

export interface ZigbeeEntity {
  announcement: EntityAnnouncement;
  /** the converter state properties this entity reads */
  properties: string[];
  read(state: Record<string, unknown>): StateValue | undefined;
  /** convertSet pairs for a command, or null when the entity does not take it */
  write(command: EntityCommand): Record<string, unknown> | null;
}

const ACCESS_STATE = 1;
const ACCESS_SET = 2;
const BRIGHTNESS_MAX = 254;

function feature(e: ExposeLike, ...names: string[]): ExposeLike | undefined {
  return e.features?.find((f) => names.includes(f.name ?? ''));
}

function title(s: string): string {
  return s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function onOff(prop: string, cmd: EntityCommand): Record<string, unknown> | null {
  if (cmd.type === 'turn_on') return { [prop]: 'ON' };
  if (cmd.type === 'turn_off') return { [prop]: 'OFF' };
  return null;
}

export function entitiesFromExposes(exposes: ExposeLike[]): ZigbeeEntity[] {
  const out: ZigbeeEntity[] = [];
  for (const e of exposes) {
    const entity = fromExpose(e);
    if (entity && !out.some((x) => x.announcement.key === entity.announcement.key)) out.push(entity);
  }
  return out;
}

function fromExpose(e: ExposeLike): ZigbeeEntity | null {
  // device settings and diagnostics (child lock, calibration, motor voltages) are not entities
  if (e.category === 'config' || e.category === 'diagnostic') return null;
  const suffix = e.endpoint ? `_${e.endpoint}` : '';
  switch (e.type) {
    case 'light': {
      const state = feature(e, 'state');
      const brightness = feature(e, 'brightness');
      if (!state?.property) return null;
      const sp = state.property;
      const bp = brightness?.property;
      return {
        announcement: {
          key: `light${suffix}`,
          name: `Light${suffix}`,
          kind: 'light',
          deviceClass: null,
          unit: null,
          writable: true,
          attributes: { dimmable: bp !== undefined },
        },
        properties: [sp, ...(bp ? [bp] : [])],
        read: (s) => {
          if (s[sp] === undefined) return undefined;
          const on = s[sp] === 'ON';
          if (!bp) return { on } as StateValue;
          const raw = typeof s[bp] === 'number' ? (s[bp] as number) : BRIGHTNESS_MAX;
          return { on, level: Math.round((raw / BRIGHTNESS_MAX) * 100) };
        },
        write: (cmd) => {
          if (cmd.type === 'set_level' && bp) {
            return cmd.level === 0
              ? { [sp]: 'OFF' }
              : { [bp]: Math.max(1, Math.round((cmd.level / 100) * BRIGHTNESS_MAX)) };
          }
          return onOff(sp, cmd);
        },
      };
    }
    case 'switch': {
      const state = feature(e, 'state');
      if (!state?.property) return null;
      const sp = state.property;
      return {
        announcement: {
          key: sp,
          name: title(sp === 'state' ? 'outlet' : sp),
          kind: 'switch',
          deviceClass: 'outlet',
          unit: null,
          writable: true,
        },
        properties: [sp],
        read: (s) => (s[sp] === undefined ? undefined : s[sp] === 'ON'),
        write: (cmd) => onOff(sp, cmd),
      };
    }
    case 'climate': {
      const sp = feature(e, 'occupied_heating_setpoint', 'current_heating_setpoint');
      const cur = feature(e, 'local_temperature');
      const mode = feature(e, 'system_mode');
      if (!sp?.property) return null;
      const spp = sp.property;
      return {
        announcement: {
          key: `climate${suffix}`,
          name: `Thermostat${suffix}`,
          kind: 'climate',
          deviceClass: 'temperature',
          unit: sp.unit ?? '°C',
          writable: true,
          attributes: {
            ...(sp.value_min !== undefined ? { min: sp.value_min } : {}),
            ...(sp.value_max !== undefined ? { max: sp.value_max } : {}),
            ...(sp.value_step !== undefined ? { step: sp.value_step } : {}),
            ...(mode?.values ? { modes: mode.values } : {}),
          },
        },
        properties: [
          spp,
          ...(cur?.property ? [cur.property] : []),
          ...(mode?.property ? [mode.property] : []),
        ],
        read: (s) => {
          if (s[spp] === undefined) return undefined;
          const v: Record<string, string | number | null> = { setpoint: s[spp] as number };
          if (cur?.property && typeof s[cur.property] === 'number') v.current = s[cur.property] as number;
          if (mode?.property && typeof s[mode.property] === 'string') v.mode = s[mode.property] as string;
          return v;
        },
        write: (cmd) => {
          if (cmd.type === 'set_setpoint') return { [spp]: cmd.value };
          if (cmd.type === 'set_mode' && mode?.property) return { [mode.property]: cmd.mode };
          return null;
        },
      };
    }
    case 'binary': {
      const p = e.property;
      if (!p || !((e.access ?? 0) & ACCESS_STATE)) return null;
      const writable = ((e.access ?? 0) & ACCESS_SET) !== 0;
      return {
        announcement: {
          key: p,
          name: title(e.label ?? p),
          kind: writable ? 'switch' : 'binary_sensor',
          deviceClass: e.name ?? p,
          unit: null,
          writable,
        },
        properties: [p],
        read: (s) => (s[p] === undefined ? undefined : s[p] === (e.value_on ?? true)),
        write: (cmd) =>
          !writable
            ? null
            : cmd.type === 'turn_on'
              ? { [p]: e.value_on ?? true }
              : cmd.type === 'turn_off'
                ? { [p]: false }
                : null,
      };
    }
    case 'numeric': {
      const p = e.property;
      // writable numerics are device settings (calibration, timeouts), not measurements
      const access = e.access ?? 0;
      if (!p || p === 'linkquality' || !(access & ACCESS_STATE) || access & ACCESS_SET) return null;
      return {
        announcement: {
          key: p,
          name: title(e.label ?? p),
          kind: p === 'battery' ? 'battery' : 'sensor',
          deviceClass: e.name ?? p,
          unit: e.unit ?? null,
          writable: false,
        },
        properties: [p],
        read: (s) => (typeof s[p] === 'number' ? (s[p] as number) : undefined),
        write: () => null,
      };
    }
    default:
      return null;
  }
}
