import { z } from 'zod';

/**
 * An entity is one typed capability of a device. Its id is stable: it never changes when the
 * device is re-paired or the adapter is replaced (the registry maps protocol addresses onto it).
 */
export const ENTITY_KINDS = [
  'sensor', // a measurement: temperature, humidity, co2, illuminance, power, energy, voltage...
  'binary_sensor', // contact, occupancy, leak, smoke
  'switch',
  'light', // on/off with optional level (0-100) and colour temperature
  'cover',
  'climate', // thermostat / HVAC: mode and setpoint
  'battery',
  'event', // buttons
] as const;
export const EntityKind = z.enum(ENTITY_KINDS);
export type EntityKind = z.infer<typeof EntityKind>;

export const Quality = z.enum(['good', 'stale', 'bad', 'unavailable']);
export type Quality = z.infer<typeof Quality>;

const Scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);
/** Scalars for most kinds; a small record for composite ones (light: {on, level}; climate: {mode, setpoint}). */
export const StateValue = z.union([Scalar, z.record(z.string(), Scalar)]);
export type StateValue = z.infer<typeof StateValue>;

export const EntityState = z.object({
  value: StateValue,
  ts: z.number(),
  source: z.string(),
  quality: Quality,
});
export type EntityState = z.infer<typeof EntityState>;

export const EntityAttributes = z
  .object({
    min: z.number().optional(),
    max: z.number().optional(),
    step: z.number().optional(),
    modes: z.array(z.string()).optional(),
    /** light: supports a brightness level */
    dimmable: z.boolean().optional(),
  })
  .strict();
export type EntityAttributes = z.infer<typeof EntityAttributes>;

export const Entity = z.object({
  id: z.string(),
  deviceId: z.string(),
  /** the adapter's key for this entity within its device (stable per device) */
  key: z.string(),
  name: z.string(),
  kind: EntityKind,
  /** what is measured or switched: temperature, power, energy, occupancy, outlet... */
  deviceClass: z.string().nullable(),
  unit: z.string().nullable(),
  writable: z.boolean(),
  attributes: EntityAttributes,
  createdAt: z.number(),
});
export type Entity = z.infer<typeof Entity>;

/** The number the time-series store records for a state: booleans as 0/1, lights by level, climate by setpoint. */
export function numericValue(value: StateValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null || typeof value === 'string') return null;
  if (typeof value.level === 'number') return value.on === false ? 0 : value.level;
  if (typeof value.on === 'boolean') return value.on ? 1 : 0;
  if (typeof value.current === 'number') return value.current;
  if (typeof value.setpoint === 'number') return value.setpoint;
  return null;
}
