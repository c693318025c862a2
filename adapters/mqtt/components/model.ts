import type { z } from 'zod';
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
