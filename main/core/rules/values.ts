import type { EntityState, StateValue } from '../../../shared/domain/entity.ts';
import type { Scalar } from '../../../shared/rules/primitives.ts';

/** The scalar a rule compares: a field of a composite state, or "on" for lights by default. */
export function scalarOf(value: StateValue | undefined, attribute?: string): Scalar | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') return attribute ? undefined : value;
  if (attribute) return value[attribute];
  if ('on' in value) return value.on;
  if ('occupied' in value) return value.occupied;
  return undefined;
}

export function numberOf(value: StateValue | undefined, attribute?: string): number | null {
  if (value === undefined) return null;
  if (attribute && value !== null && typeof value === 'object') {
    const v = value[attribute];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value !== null && typeof value === 'object') {
    for (const k of ['current', 'value', 'level', 'setpoint'])
      if (typeof value[k] === 'number') return value[k];
  }
  return null;
}

/** Loose equality the way people write rules: "on"/true/1 are the same switch state. */
export function sameScalar(a: Scalar | undefined, b: Scalar | undefined): boolean {
  if (a === b) return true;
  const norm = (v: Scalar | undefined) => {
    if (v === 'on' || v === 'true' || v === 'occupied' || v === 'open') return true;
    if (v === 'off' || v === 'false' || v === 'clear' || v === 'closed') return false;
    return v;
  };
  return norm(a) === norm(b);
}

export function usable(state: EntityState | undefined): state is EntityState {
  return state !== undefined && state.quality !== 'unavailable' && state.quality !== 'bad';
}
