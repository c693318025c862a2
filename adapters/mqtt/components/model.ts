import { z } from 'zod';
import type { EntityAnnouncement } from '../../../shared/adapter/contract.ts';
import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { StateValue } from '../../../shared/domain/entity.ts';

export interface StateBinding {
  topic: string;
  /** the new entity value from a payload and the previous value; throws with a reason on bad input */
  update(payload: string, prev: StateValue | undefined): StateValue;
}

export interface OutgoingMessage {
  topic: string;
  payload: string;
}

/** One discovered entity, as the adapter needs it: no raw config past this point. */
export interface EntityModel {
  announcement: Omit<EntityAnnouncement, 'key'>;
  stateBindings: StateBinding[];
  commandTopics: string[];
  /** the messages that carry out a command; throws a clear error for commands the entity can't take */
  command(cmd: EntityCommand, current: StateValue | undefined): OutgoingMessage[];
}

export interface ComponentMapper {
  component: string;
  /** parses the expanded config; throws (zod or Error) on invalid input */
  build(config: Record<string, unknown>, fallbackName: string): EntityModel;
}

export class CommandRejected extends Error {
  override name = 'CommandRejected';
}

export function zparse<T>(schema: z.ZodType<T>, config: unknown): T {
  return schema.parse(config);
}

export function readOnly(component: string): (cmd: EntityCommand) => never {
  return (cmd) => {
    throw new CommandRejected(`a ${component} is read-only: it cannot take ${cmd.type}`);
  };
}

const MAX_STRING_STATE = 255;

/** A scalar from a payload: numbers parsed, HA's unknown markers as null. */
export function scalarFromPayload(v: string | number | boolean | null): string | number | boolean | null {
  if (typeof v !== 'string') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('state is not a finite number');
    return v;
  }
  const s = v.trim();
  if (s === '' || s === 'unknown' || s === 'unavailable' || s === 'None' || s === 'null') return null;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n)) return n;
  }
  if (s.length > MAX_STRING_STATE) throw new Error(`state longer than ${MAX_STRING_STATE} characters`);
  return s;
}

/**
 * A payload option (payload_on, state_open...): HA validates them with cv.string, so numbers and
 * booleans are accepted as text (zigbee2mqtt's own discovery sends `"payload_on": true`).
 */
export const PayloadOption = z
  .union([z.string().max(64), z.number().finite(), z.boolean()])
  .transform((v) => String(v));

/** A rendered payload against an option; booleans match in Python's (`True`) and JSON's (`true`) spelling. */
export function samePayload(rendered: string, option: string): boolean {
  if (rendered === option) return true;
  return /^(true|false)$/i.test(option) && rendered.toLowerCase() === option.toLowerCase();
}

/** HA's numeric sensors: a unit, a state class or a numeric device class (sensor/__init__.py) */
const NON_NUMERIC_CLASSES = new Set(['enum', 'timestamp', 'date']);
export function isNumericSensor(c: {
  unit_of_measurement?: string | null;
  state_class?: string | null;
  device_class?: string | null;
}): boolean {
  return Boolean(
    c.unit_of_measurement || c.state_class || (c.device_class && !NON_NUMERIC_CLASSES.has(c.device_class)),
  );
}
