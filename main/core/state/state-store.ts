import { EntityState, numericValue } from '../../../shared/domain/entity.ts';
import type { EventBus } from '../bus/event-bus.ts';

/** Where each state change is recorded as a number; the time-series store in production. */
export interface HistorySink {
  append(entityId: string, ts: number, value: number): void;
}

/**
 * The latest state of every entity. Each accepted change is published on the bus and recorded
 * in history; an invalid state is refused with a reason, never stored.
 */
export class StateStore {
  readonly #states = new Map<string, EntityState>();
  readonly #bus: EventBus;
  readonly #history: HistorySink;

  constructor(bus: EventBus, history: HistorySink) {
    this.#bus = bus;
    this.#history = history;
  }

  get(entityId: string): EntityState | undefined {
    return this.#states.get(entityId);
  }

  all(): Record<string, EntityState> {
    return Object.fromEntries(this.#states);
  }

  /** Returns false (and changes nothing) when the state is malformed. */
  update(entityId: string, candidate: EntityState): boolean {
    const parsed = EntityState.safeParse(candidate);
    if (!parsed.success) return false;
    const state = parsed.data;
    const previous = this.#states.get(entityId);
    this.#states.set(entityId, state);
    const n = numericValue(state.value);
    if (n !== null && state.quality !== 'unavailable') this.#history.append(entityId, state.ts, n);
    this.#bus.emit('state.changed', { entityId, state, previous });
    return true;
  }

  /**
   * Puts back the states known at the last stop. A restored value is marked stale (unless it was
   * already unavailable or bad) until the device reports again; no event is sent, since nobody is
   * subscribed before the core has started.
   */
  restore(states: Map<string, EntityState>, exists: (entityId: string) => boolean): number {
    let n = 0;
    for (const [entityId, state] of states) {
      if (!exists(entityId)) continue;
      this.#states.set(entityId, state.quality === 'good' ? { ...state, quality: 'stale' } : state);
      n++;
    }
    return n;
  }

  /** Forgets the states of entities that left the site (their device was removed). */
  forget(entityIds: string[]): void {
    for (const id of entityIds) this.#states.delete(id);
  }

  /** Marks every given entity's last value as unavailable (device went offline), keeping the value. */
  markUnavailable(entityIds: string[], ts: number): void {
    for (const entityId of entityIds) {
      const previous = this.#states.get(entityId);
      if (!previous || previous.quality === 'unavailable') continue;
      const state: EntityState = { ...previous, ts, quality: 'unavailable' };
      this.#states.set(entityId, state);
      this.#bus.emit('state.changed', { entityId, state, previous });
    }
  }
}
