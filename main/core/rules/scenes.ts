import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { Entity, EntityState } from '../../../shared/domain/entity.ts';
import type { SceneEntry } from '../../../shared/rules/scene.ts';
import { numberOf, usable } from './values.ts';

const MAX_RAMP_STEPS = 10;

/**
 * The commands one scene entry sends, with the pause before each. A level command on a light
 * whose current level is known ramps in up to 10 steps over the transition; anything else is
 * sent at once (a relay has no in-between).
 */
export function sceneCommands(
  entry: SceneEntry,
  current: EntityState | undefined,
): { afterMs: number; command: EntityCommand }[] {
  const cmd = entry.command;
  if (entry.transitionS <= 0 || (cmd.type !== 'set_level' && cmd.type !== 'turn_off'))
    return [{ afterMs: 0, command: cmd }];
  const v = usable(current) ? current.value : undefined;
  const isOff = v !== null && typeof v === 'object' && v.on === false;
  const from = isOff ? 0 : numberOf(v, 'level');
  if (from === null) return [{ afterMs: 0, command: cmd }];
  const to = cmd.type === 'set_level' ? cmd.level : 0;
  if (from === to) return [{ afterMs: 0, command: cmd }];
  const steps = Math.min(MAX_RAMP_STEPS, Math.max(1, Math.ceil(entry.transitionS)));
  const every = (entry.transitionS * 1000) / steps;
  const out: { afterMs: number; command: EntityCommand }[] = [];
  for (let k = 1; k <= steps; k++) {
    const level = Math.round(from + ((to - from) * k) / steps);
    const last = k === steps;
    out.push({
      afterMs: every,
      command: last && cmd.type === 'turn_off' ? { type: 'turn_off' } : { type: 'set_level', level },
    });
  }
  return out;
}

/** Scene entries that reproduce the current states of the given entities. */
export function captureScene(
  entities: Entity[],
  state: (id: string) => EntityState | undefined,
): { entries: SceneEntry[]; skipped: string[] } {
  const entries: SceneEntry[] = [];
  const skipped: string[] = [];
  for (const e of entities) {
    const s = state(e.id);
    if (!e.writable || !usable(s)) {
      skipped.push(`${e.id}: ${!e.writable ? 'not controllable' : 'no current state'}`);
      continue;
    }
    const v = s.value;
    const add = (command: EntityCommand) => entries.push({ entityId: e.id, command, transitionS: 0 });
    if (typeof v === 'boolean') add({ type: v ? 'turn_on' : 'turn_off' });
    else if (v !== null && typeof v === 'object') {
      if (typeof v.mode === 'string') add({ type: 'set_mode', mode: v.mode });
      if (typeof v.setpoint === 'number') add({ type: 'set_setpoint', value: v.setpoint });
      else if (v.on === false) add({ type: 'turn_off' });
      else if (typeof v.level === 'number' && e.attributes.dimmable !== false)
        add({ type: 'set_level', level: v.level });
      else if (v.on === true) add({ type: 'turn_on' });
    } else if (typeof v === 'number' && e.kind === 'climate') add({ type: 'set_setpoint', value: v });
    else skipped.push(`${e.id}: state ${JSON.stringify(v)} cannot be replayed`);
  }
  return { entries, skipped };
}
