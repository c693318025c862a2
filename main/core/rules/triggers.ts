import type { EntityState } from '../../../shared/domain/entity.ts';
import { cronMatches, parseCron, type CronSpec, type LocalMinute } from '../../../shared/rules/cron.ts';
import { minutesOf } from '../../../shared/rules/primitives.ts';
import type { Trigger } from '../../../shared/rules/trigger.ts';
import { minuteOfDay, weekdayName } from './local-time.ts';
import type { SunTable } from './sun.ts';
import { numberOf, sameScalar, scalarOf, usable } from './values.ts';

export type EngineEvent =
  | { kind: 'state'; entityId: string; state: EntityState; previous: EntityState | undefined }
  | {
      kind: 'availability';
      deviceId: string;
      availability: 'online' | 'offline';
      previous: 'online' | 'offline' | undefined;
    }
  | { kind: 'minute'; at: number; local: LocalMinute }
  | { kind: 'start' };

/** fire now; arm a "for" timer; cancel a pending "for" timer */
export type Verdict = { fire: string } | { arm: number; detail: string } | { disarm: true } | null;

/** Threshold triggers fire on crossing, once, until the value went back past the hysteresis. */
export type ThresholdPhase = 'armed' | 'pending' | 'fired';

const cronCache = new Map<string, CronSpec>();
function cronOf(expression: string): CronSpec {
  let spec = cronCache.get(expression);
  if (!spec) {
    spec = parseCron(expression);
    cronCache.set(expression, spec);
  }
  return spec;
}

export function thresholdInBand(t: Extract<Trigger, { type: 'threshold' }>, n: number): boolean {
  return (t.above === undefined || n > t.above) && (t.below === undefined || n < t.below);
}

export function matchTrigger(
  trigger: Trigger,
  event: EngineEvent,
  phase: { get(): ThresholdPhase; set(p: ThresholdPhase): void },
  sun: SunTable,
): Verdict {
  switch (trigger.type) {
    case 'state': {
      if (event.kind !== 'state' || event.entityId !== trigger.entityId) return null;
      if (!usable(event.state)) return { disarm: true };
      const now = scalarOf(event.state.value, trigger.attribute);
      const before = usable(event.previous) ? scalarOf(event.previous.value, trigger.attribute) : undefined;
      if (event.previous && usable(event.previous) && sameScalar(before, now)) return null;
      const fromOk = trigger.from === undefined || (before !== undefined && sameScalar(before, trigger.from));
      const toOk = trigger.to === undefined || sameScalar(now, trigger.to);
      const detail = `${trigger.entityId}: ${JSON.stringify(before ?? null)} -> ${JSON.stringify(now ?? null)}`;
      if (!fromOk || !toOk) return { disarm: true };
      return trigger.forS > 0 ? { arm: trigger.forS * 1000, detail } : { fire: detail };
    }
    case 'threshold': {
      if (event.kind !== 'state' || event.entityId !== trigger.entityId) return null;
      const n = usable(event.state) ? numberOf(event.state.value) : null;
      if (n === null) return null;
      const p = phase.get();
      const detail = `${trigger.entityId} = ${n}`;
      if (thresholdInBand(trigger, n)) {
        if (p !== 'armed') return null;
        if (trigger.forS > 0) {
          phase.set('pending');
          return { arm: trigger.forS * 1000, detail };
        }
        phase.set('fired');
        return { fire: detail };
      }
      if (p === 'pending') {
        phase.set('armed');
        return { disarm: true };
      }
      const h = trigger.hysteresis;
      const pastAbove = trigger.above !== undefined && n <= trigger.above - h;
      const pastBelow = trigger.below !== undefined && n >= trigger.below + h;
      if (p === 'fired' && (pastAbove || pastBelow)) phase.set('armed');
      return null;
    }
    case 'time': {
      if (event.kind !== 'minute') return null;
      if (minuteOfDay(event.local) !== minutesOf(trigger.at)) return null;
      if (trigger.weekdays && !trigger.weekdays.includes(weekdayName(event.local))) return null;
      return { fire: `time ${trigger.at}` };
    }
    case 'cron':
      if (event.kind !== 'minute' || !cronMatches(cronOf(trigger.expression), event.local)) return null;
      return { fire: `cron ${trigger.expression}` };
    case 'sun': {
      if (event.kind !== 'minute') return null;
      const t = sun.forDate(event.local)[trigger.event];
      if (t === null) return null;
      const target = t + trigger.offsetMin * 60_000;
      if (Math.floor(target / 60_000) * 60_000 !== event.at) return null;
      return {
        fire: `${trigger.event}${trigger.offsetMin ? ` ${trigger.offsetMin > 0 ? '+' : ''}${trigger.offsetMin} min` : ''}`,
      };
    }
    case 'availability': {
      if (event.kind !== 'availability' || event.deviceId !== trigger.deviceId) return null;
      if (event.availability !== trigger.to) return { disarm: true };
      if (event.previous === trigger.to) return null;
      const detail = `${trigger.deviceId} is ${trigger.to}`;
      return trigger.forS > 0 ? { arm: trigger.forS * 1000, detail } : { fire: detail };
    }
    case 'button': {
      if (event.kind !== 'state' || event.entityId !== trigger.entityId || !usable(event.state)) return null;
      if (event.previous && event.previous.ts === event.state.ts) return null;
      const v = event.state.value;
      const name = v !== null && typeof v === 'object' ? (v.event ?? v.action ?? null) : v;
      if (trigger.event !== undefined && !sameScalar(name, trigger.event)) return null;
      return { fire: `${trigger.entityId} ${JSON.stringify(name)}` };
    }
    case 'start':
      return event.kind === 'start' ? { fire: 'system start' } : null;
  }
}

/** Which entity or device events can concern this trigger, for the engine's index. */
export function triggerKey(t: Trigger): { entity?: string; device?: string; minute?: true; start?: true } {
  switch (t.type) {
    case 'state':
    case 'threshold':
    case 'button':
      return { entity: t.entityId };
    case 'availability':
      return { device: t.deviceId };
    case 'start':
      return { start: true };
    default:
      return { minute: true };
  }
}
