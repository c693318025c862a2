import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { EntityState, StateValue } from '../../../shared/domain/entity.ts';
import { Rule, type RuleInput } from '../../../shared/rules/rule.ts';
import type { RuleStatus, Trace } from '../../../shared/rules/trace.ts';
import { SimulatedClock } from '../../../main/core/rules/clock.ts';
import { RuleEngine, type EngineDeps, type PendingDelay } from '../../../main/core/rules/engine.ts';

export const FRANKFURT = { lat: 50.11, lon: 8.68, timezone: 'Europe/Berlin' };
/** Monday 2025-03-10 00:00 in Frankfurt (CET, UTC+1) */
export const MONDAY = Date.UTC(2025, 2, 9, 23, 0);

/** A rules engine on a simulated clock with in-memory states and devices that record commands. */
export function rig(opts: { start?: number; offline?: string[]; deps?: Partial<EngineDeps> } = {}) {
  const clock = new SimulatedClock(opts.start ?? MONDAY);
  const states = new Map<string, EntityState>();
  const commands: { at: number; entityId: string; command: EntityCommand }[] = [];
  const traces: Trace[] = [];
  const statuses: RuleStatus[] = [];
  const notes: { message: string; level: string }[] = [];
  const offline = new Set(opts.offline ?? []);
  const pendingRows = new Map<string, PendingDelay>();
  const known = new Set<string>();
  const pending = {
    save: (p: PendingDelay) => void pendingRows.set(p.runId, p),
    remove: (id: string) => void pendingRows.delete(id),
    list: () => [...pendingRows.values()],
  };
  const deps: EngineDeps = {
    clock,
    site: FRANKFURT,
    state: (id) => states.get(id),
    entityExists: (id) => known.size === 0 || known.has(id),
    deviceExists: () => true,
    zoneOccupied: (z) => (z === 'office' ? states.get('office.occupancy')?.value === true : null),
    execute: async (entityId, command) => {
      if (offline.has(entityId)) throw new Error(`${entityId} is offline: the command was not sent.`);
      commands.push({ at: clock.now(), entityId, command });
    },
    notify: (n) => notes.push(n),
    onTrace: (t) => traces.push(t),
    onStatus: (s) => statuses.push(s),
    pending,
    ...opts.deps,
  };
  const engine = new RuleEngine(deps);
  const set = (entityId: string, value: StateValue, quality: EntityState['quality'] = 'good') => {
    const previous = states.get(entityId);
    const state = { value, ts: clock.now(), source: 'test', quality };
    states.set(entityId, state);
    engine.onStateChanged(entityId, state, previous);
  };
  return {
    clock,
    engine,
    states,
    commands,
    traces,
    statuses,
    notes,
    offline,
    known,
    pendingRows,
    pending,
    deps,
    set,
    rule: (r: RuleInput) => {
      const parsed = Rule.parse(r);
      engine.upsertRule(parsed);
      return parsed;
    },
    settle: () => clock.advance(0),
  };
}

export const on: EntityCommand = { type: 'turn_on' };
export const off: EntityCommand = { type: 'turn_off' };
