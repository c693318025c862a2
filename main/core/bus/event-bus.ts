import type { Device } from '../../../shared/domain/device.ts';
import type { Entity, EntityState } from '../../../shared/domain/entity.ts';
import type { Zone } from '../../../shared/domain/zone.ts';
import type { CommissioningCandidate } from '../../../shared/adapter/contract.ts';
import type { RuleStatus } from '../../../shared/rules/trace.ts';

/** What happens inside the core. Features hang off these events instead of being wired by hand. */
export interface CoreEvents {
  'device.changed': { device: Device };
  /** `entityIds`: the removed device's entities, which leave the site with it */
  'device.removed': { deviceId: string; entityIds: string[] };
  /** devices heard from since the last such event (id -> last seen, ms), coalesced */
  'device.seen': { seen: Record<string, number> };
  'entity.changed': { entity: Entity };
  'state.changed': { entityId: string; state: EntityState; previous: EntityState | undefined };
  'zone.changed': { zone: Zone };
  'zone.removed': { zoneId: string };
  'candidate.changed': { adapter: string; candidate: CommissioningCandidate };
  'candidate.removed': { adapter: string; candidateId: string };
  'commissioning.window': { adapter: string; openUntil: number | null };
  'rule.status': { status: RuleStatus };
  'firmware.progress': { deviceId: string; percent: number; remainingS: number | null };
  'rule.notify': { ruleId: string; message: string; level: string; at: number };
}

type Handler<T> = (payload: T) => void;

/**
 * A small synchronous, typed bus. A throwing subscriber is reported and skipped, so one bad
 * feature cannot stop state from reaching the others.
 */
export class EventBus {
  readonly #handlers = new Map<keyof CoreEvents, Set<Handler<never>>>();
  readonly #onError: (err: unknown, event: string) => void;

  constructor(onError: (err: unknown, event: string) => void) {
    this.#onError = onError;
  }

  on<K extends keyof CoreEvents>(event: K, handler: Handler<CoreEvents[K]>): () => void {
    let set = this.#handlers.get(event);
    if (!set) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }

  emit<K extends keyof CoreEvents>(event: K, payload: CoreEvents[K]): void {
    const set = this.#handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as Handler<CoreEvents[K]>)(payload);
      } catch (err) {
        this.#onError(err, event);
      }
    }
  }
}
