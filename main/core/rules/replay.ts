import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { Entity, EntityState, StateValue } from '../../../shared/domain/entity.ts';
import type { Rule } from '../../../shared/rules/rule.ts';
import type { Scene } from '../../../shared/rules/scene.ts';
import type { Trace } from '../../../shared/rules/trace.ts';
import { SimulatedClock } from './clock.ts';
import { conditionEntities } from './conditions.ts';
import { RuleEngine } from './engine.ts';
import type { Site } from './sun.ts';
import { triggerKey } from './triggers.ts';

export interface ReplayHistory {
  /** raw samples (ts, value) of one entity in [from, to] */
  samples(entityId: string, from: number, to: number): { ts: number; value: number }[];
}

export interface ReplayResult {
  from: number;
  to: number;
  /** what the rule would have sent, in order */
  commands: { at: number; entityId: string; command: EntityCommand }[];
  notifications: { at: number; message: string; level: string }[];
  traces: Trace[];
  /** state changes fed to the rule */
  events: number;
}

const LOOKBACK_MS = 7 * 86_400_000;

/** History keeps numbers; rules compare states. Booleans come back as booleans, lights as {on, level}. */
export function stateFromNumber(kind: Entity['kind'] | undefined, n: number): StateValue {
  if (kind === 'binary_sensor' || kind === 'switch') return n !== 0;
  if (kind === 'light') return { on: n > 0, level: n };
  return n;
}

/**
 * Runs a rule (saved or edited) against recorded history with a simulated clock. Commands are
 * recorded, never sent; the rule's own commands do not feed back into the states it sees (the
 * history already holds what the devices really did).
 */
export async function replayRule(opts: {
  rule: Rule;
  from: number;
  to: number;
  site: Site;
  history: ReplayHistory;
  entities: Map<string, Entity>;
  scenes: Scene[];
}): Promise<ReplayResult> {
  const { rule, from, to } = opts;
  const rule2: Rule = { ...rule, enabled: true, triggers: rule.triggers.filter((t) => t.type !== 'start') };
  const watched = new Set<string>();
  for (const t of rule2.triggers) {
    const k = triggerKey(t);
    if (k.entity) watched.add(k.entity);
  }
  rule2.conditions.forEach((c) => conditionEntities(c, watched));
  for (const a of rule2.actions)
    if (a.type === 'wait_for_trigger' && triggerKey(a.trigger).entity)
      watched.add(triggerKey(a.trigger).entity!);

  const states = new Map<string, EntityState>();
  const events: { ts: number; entityId: string; value: number }[] = [];
  for (const id of watched) {
    const kind = opts.entities.get(id)?.kind;
    const before = opts.history.samples(id, from - LOOKBACK_MS, from - 1).at(-1);
    if (before)
      states.set(id, {
        value: stateFromNumber(kind, before.value),
        ts: before.ts,
        source: 'history',
        quality: 'good',
      });
    for (const s of opts.history.samples(id, from, to))
      events.push({ ts: s.ts, entityId: id, value: s.value });
  }
  events.sort((a, b) => a.ts - b.ts);

  const clock = new SimulatedClock(from);
  const result: ReplayResult = { from, to, commands: [], notifications: [], traces: [], events: 0 };
  const engine = new RuleEngine({
    clock,
    site: opts.site,
    state: (id) => states.get(id),
    entityExists: (id) => opts.entities.has(id),
    deviceExists: () => true,
    zoneOccupied: () => null,
    execute: async (entityId, command) => {
      result.commands.push({ at: clock.now(), entityId, command });
    },
    notify: (n) => result.notifications.push({ at: n.at, message: n.message, level: n.level }),
    onTrace: (t) => result.traces.push(t),
    // Replay reports what would have happened; the loop guard must not hide it.
    loop: { max: Number.MAX_SAFE_INTEGER, windowMs: 1, causalMs: 0 },
  });
  engine.setScenes(opts.scenes);
  engine.setRules([rule2]);
  // Start triggers mean "the controller started", which did not happen inside the window.
  engine.start();
  for (const e of events) {
    await clock.advanceTo(e.ts);
    const previous = states.get(e.entityId);
    const state: EntityState = {
      value: stateFromNumber(opts.entities.get(e.entityId)?.kind, e.value),
      ts: e.ts,
      source: 'history',
      quality: 'good',
    };
    states.set(e.entityId, state);
    result.events++;
    engine.onStateChanged(e.entityId, state, previous);
  }
  await clock.advanceTo(to);
  engine.stop();
  return result;
}
