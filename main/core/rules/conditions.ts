import type { EntityState } from '../../../shared/domain/entity.ts';
import type { Condition } from '../../../shared/rules/condition.ts';
import type { LocalMinute } from '../../../shared/rules/cron.ts';
import { minutesOf, type Scalar } from '../../../shared/rules/primitives.ts';
import type { TraceStep } from '../../../shared/rules/trace.ts';
import { minuteOfDay, weekdayName } from './local-time.ts';
import { numberOf, sameScalar, scalarOf, usable } from './values.ts';

export interface ConditionContext {
  state(entityId: string): EntityState | undefined;
  /** null when the zone has no occupancy sensor or does not exist */
  zoneOccupied(zoneId: string): boolean | null;
  variable(name: string): Scalar | undefined;
  local: LocalMinute;
  now: number;
}

/** Evaluates a condition tree, appending one trace step per node so the trace shows why. */
export function evaluateCondition(
  c: Condition,
  ctx: ConditionContext,
  path: string,
  steps: TraceStep[],
): boolean {
  const step = (result: boolean, detail: string | null) => {
    steps.push({
      path,
      type: c.type,
      outcome: result ? 'true' : 'false',
      at: ctx.now,
      durationMs: 0,
      detail,
    });
    return result;
  };
  switch (c.type) {
    case 'state': {
      const s = ctx.state(c.entityId);
      if (!usable(s)) return step(false, `${c.entityId} has no usable state`);
      const v = scalarOf(s.value, c.attribute);
      return step(sameScalar(v, c.equals), `is ${JSON.stringify(v)}`);
    }
    case 'numeric': {
      const s = ctx.state(c.entityId);
      const n = usable(s) ? numberOf(s.value) : null;
      if (n === null) return step(false, `${c.entityId} has no number`);
      const ok = (c.above === undefined || n > c.above) && (c.below === undefined || n < c.below);
      return step(ok, `is ${n}`);
    }
    case 'time': {
      const m = minuteOfDay(ctx.local);
      const a = minutesOf(c.after);
      const b = minutesOf(c.before);
      const ok = a <= b ? m >= a && m < b : m >= a || m < b;
      return step(
        ok,
        `local time ${String(ctx.local.hour).padStart(2, '0')}:${String(ctx.local.minute).padStart(2, '0')}`,
      );
    }
    case 'weekday': {
      const d = weekdayName(ctx.local);
      return step(c.days.includes(d), `today is ${d}`);
    }
    case 'zone_occupied': {
      const occ = ctx.zoneOccupied(c.zoneId);
      if (occ === null) return step(false, `zone ${c.zoneId} has no occupancy sensor`);
      return step(occ === c.occupied, occ ? 'occupied' : 'vacant');
    }
    case 'variable': {
      const v = ctx.variable(c.name);
      return step(sameScalar(v, c.equals), `is ${JSON.stringify(v ?? null)}`);
    }
    case 'and': {
      const results = c.conditions.map((x, i) => evaluateCondition(x, ctx, `${path}.conditions.${i}`, steps));
      return step(results.every(Boolean), null);
    }
    case 'or': {
      const results = c.conditions.map((x, i) => evaluateCondition(x, ctx, `${path}.conditions.${i}`, steps));
      return step(results.some(Boolean), null);
    }
    case 'not':
      return step(!evaluateCondition(c.condition, ctx, `${path}.condition`, steps), null);
  }
}

/** Entity, zone and rule ids a condition refers to (to flag a rule whose entity was removed). */
export function conditionEntities(c: Condition, out: Set<string>): void {
  if (c.type === 'state' || c.type === 'numeric') out.add(c.entityId);
  else if (c.type === 'and' || c.type === 'or') c.conditions.forEach((x) => conditionEntities(x, out));
  else if (c.type === 'not') conditionEntities(c.condition, out);
}
