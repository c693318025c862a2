import type { EntityCommand } from '../../../shared/domain/command.ts';
import type { EntityState } from '../../../shared/domain/entity.ts';
import type { Action } from '../../../shared/rules/action.ts';
import type { Scalar } from '../../../shared/rules/primitives.ts';
import type { Rule } from '../../../shared/rules/rule.ts';
import type { Scene } from '../../../shared/rules/scene.ts';
import type { Schedule } from '../../../shared/rules/schedule.ts';
import type { RuleStatus, Trace, TraceResult, TraceStep } from '../../../shared/rules/trace.ts';
import type { Trigger } from '../../../shared/rules/trigger.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { conditionEntities, evaluateCondition } from './conditions.ts';
import { localMinute } from './local-time.ts';
import { scheduledCommands } from './schedules.ts';
import { sceneCommands } from './scenes.ts';
import { SunTable, type Site } from './sun.ts';
import {
  matchTrigger,
  thresholdInBand,
  triggerKey,
  type EngineEvent,
  type ThresholdPhase,
} from './triggers.ts';
import { numberOf, usable } from './values.ts';

export interface PendingDelay {
  runId: string;
  ruleId: string;
  resumeAt: number;
  nextIndex: number;
  trigger: Trace['trigger'];
}

export interface EngineDeps {
  clock: Clock;
  site: Site;
  state(entityId: string): EntityState | undefined;
  entityExists(entityId: string): boolean;
  deviceExists(deviceId: string): boolean;
  zoneOccupied(zoneId: string): boolean | null;
  /** runs a command on a device; a rejection (offline, unknown) is a failed step in the trace */
  execute(entityId: string, command: EntityCommand): Promise<void>;
  notify?(n: { ruleId: string; message: string; level: string; at: number }): void;
  onTrace?(trace: Trace): void;
  onStatus?(status: RuleStatus): void;
  /** where pending delays are kept across restarts */
  pending?: {
    save(p: PendingDelay): void;
    remove(runId: string): void;
    list(): PendingDelay[];
  };
  /** loop guard: more than `max` runs caused by rules' own writes within `windowMs` stops the rule */
  loop?: { max: number; windowMs: number; causalMs: number };
  /** two rules writing different commands to one entity within this time is a conflict */
  conflictWindowMs?: number;
}

interface Run {
  id: string;
  rule: Rule;
  trigger: Trace['trigger'];
  startedAt: number;
  steps: TraceStep[];
  conflicts: Trace['conflicts'];
  aborted: boolean;
  cancelWait: (() => void) | null;
}

interface RuleRuntime {
  rule: Rule;
  running: Set<Run>;
  queue: Array<() => void>;
  runTimes: number[];
  rateLimitedTraced: boolean;
  loopHits: number[];
  loopStopped: boolean;
  lastRun: number | null;
  lastResult: TraceResult | null;
  phases: Map<number, ThresholdPhase>;
  forTimers: Map<number, TimerHandle>;
}

interface Waiter {
  trigger: Trigger;
  phase: ThresholdPhase;
  /** a "for" on the awaited trigger */
  forTimer: TimerHandle | null;
  done: (detail: string) => void;
}

let runSeq = 0;
const newRunId = (now: number) =>
  `${now.toString(36)}-${(++runSeq).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * The rules engine: matches bus events to triggers, applies run modes, rate limits and the loop
 * guard, evaluates conditions, runs actions and writes a trace of every run. Everything goes
 * through `deps`, so the same engine runs live, under a simulated clock in tests, and in replay.
 */
export class RuleEngine {
  readonly #d: EngineDeps;
  readonly #sun: SunTable;
  readonly #rules = new Map<string, RuleRuntime>();
  readonly #scenes = new Map<string, Scene>();
  readonly #schedules = new Map<string, Schedule>();
  readonly #variables = new Map<string, Scalar>();
  readonly #byEntity = new Map<string, Array<[RuleRuntime, number]>>();
  readonly #byDevice = new Map<string, Array<[RuleRuntime, number]>>();
  #timed: Array<[RuleRuntime, number]> = [];
  readonly #waiters = new Set<Waiter>();
  readonly #lastWrite = new Map<string, { ruleId: string; at: number; command: string }>();
  readonly #availability = new Map<string, 'online' | 'offline'>();
  #tick: TimerHandle | null = null;
  #started = false;
  readonly #loop: { max: number; windowMs: number; causalMs: number };
  readonly #conflictWindowMs: number;
  /** runs evaluated (triggers that reached mode handling), for the benchmark */
  evaluations = 0;

  constructor(deps: EngineDeps) {
    this.#d = deps;
    this.#sun = new SunTable(deps.site);
    this.#loop = deps.loop ?? { max: 10, windowMs: 60_000, causalMs: 5_000 };
    this.#conflictWindowMs = deps.conflictWindowMs ?? 1_000;
  }

  // ---- definitions -------------------------------------------------------------------------

  setRules(rules: Rule[]): void {
    for (const id of [...this.#rules.keys()]) if (!rules.some((r) => r.id === id)) this.removeRule(id);
    for (const r of rules) this.upsertRule(r, false);
    this.#reindex();
  }

  upsertRule(rule: Rule, reindex = true): void {
    const old = this.#rules.get(rule.id);
    if (old) this.#stopRuntime(old);
    const rt: RuleRuntime = {
      rule,
      running: new Set(),
      queue: [],
      runTimes: [],
      rateLimitedTraced: false,
      loopHits: [],
      loopStopped: false,
      lastRun: old?.lastRun ?? null,
      lastResult: old?.lastResult ?? null,
      phases: new Map(),
      forTimers: new Map(),
    };
    // A threshold already crossed when the rule is loaded is not a crossing.
    rule.triggers.forEach((t, i) => {
      if (t.type !== 'threshold') return;
      const s = this.#d.state(t.entityId);
      const n = usable(s) ? numberOf(s.value) : null;
      rt.phases.set(i, n !== null && thresholdInBand(t, n) ? 'fired' : 'armed');
    });
    this.#rules.set(rule.id, rt);
    if (reindex) this.#reindex();
    this.#emitStatus(rt);
  }

  removeRule(id: string): void {
    const rt = this.#rules.get(id);
    if (!rt) return;
    this.#stopRuntime(rt);
    this.#rules.delete(id);
    this.#reindex();
  }

  setEnabled(id: string, enabled: boolean): Rule | null {
    const rt = this.#rules.get(id);
    if (!rt) return null;
    this.upsertRule({ ...rt.rule, enabled });
    return this.#rules.get(id)!.rule;
  }

  setScenes(scenes: Scene[]): void {
    this.#scenes.clear();
    for (const s of scenes) this.#scenes.set(s.id, s);
  }
  upsertScene(s: Scene): void {
    this.#scenes.set(s.id, s);
  }
  removeScene(id: string): void {
    this.#scenes.delete(id);
  }
  setSchedules(list: Schedule[]): void {
    this.#schedules.clear();
    for (const s of list) this.#schedules.set(s.id, s);
  }
  upsertSchedule(s: Schedule): void {
    this.#schedules.set(s.id, s);
  }
  removeSchedule(id: string): void {
    this.#schedules.delete(id);
  }

  rule(id: string): Rule | undefined {
    return this.#rules.get(id)?.rule;
  }
  variables(): Record<string, Scalar> {
    return Object.fromEntries(this.#variables);
  }

  #reindex(): void {
    this.#byEntity.clear();
    this.#byDevice.clear();
    this.#timed = [];
    for (const rt of this.#rules.values()) {
      rt.rule.triggers.forEach((t, i) => {
        const k = triggerKey(t);
        const push = (m: Map<string, Array<[RuleRuntime, number]>>, key: string) => {
          const list = m.get(key) ?? [];
          list.push([rt, i]);
          m.set(key, list);
        };
        if (k.entity) push(this.#byEntity, k.entity);
        if (k.device) push(this.#byDevice, k.device);
        if (k.minute) this.#timed.push([rt, i]);
      });
    }
  }

  #stopRuntime(rt: RuleRuntime): void {
    for (const h of rt.forTimers.values()) this.#d.clock.clearTimer(h);
    rt.forTimers.clear();
    rt.queue = [];
    for (const run of rt.running) this.#abort(run);
  }

  // ---- status ------------------------------------------------------------------------------

  problems(rule: Rule): string[] {
    const entities = new Set<string>();
    const devices = new Set<string>();
    for (const t of rule.triggers) {
      const k = triggerKey(t);
      if (k.entity) entities.add(k.entity);
      if (k.device) devices.add(k.device);
    }
    rule.conditions.forEach((c) => conditionEntities(c, entities));
    for (const a of rule.actions) {
      if (a.type === 'command') entities.add(a.entityId);
      if (a.type === 'scene' && !this.#scenes.has(a.sceneId)) devices.add(`scene:${a.sceneId}`);
    }
    const out: string[] = [];
    for (const e of entities) if (!this.#d.entityExists(e)) out.push(`entity ${e} no longer exists`);
    for (const d of devices) {
      if (d.startsWith('scene:')) out.push(`scene ${d.slice(6)} does not exist`);
      else if (!this.#d.deviceExists(d)) out.push(`device ${d} no longer exists`);
    }
    return out;
  }

  status(id: string): RuleStatus | null {
    const rt = this.#rules.get(id);
    return rt ? this.#statusOf(rt) : null;
  }

  statuses(): RuleStatus[] {
    return [...this.#rules.values()].map((rt) => this.#statusOf(rt));
  }

  #statusOf(rt: RuleRuntime): RuleStatus {
    const problems = this.problems(rt.rule);
    const health = rt.loopStopped
      ? 'loop_stopped'
      : !rt.rule.enabled
        ? 'disabled'
        : problems.length > 0
          ? 'missing_entities'
          : 'ok';
    return {
      ruleId: rt.rule.id,
      enabled: rt.rule.enabled,
      health,
      problems: rt.loopStopped ? ['stopped: its actions kept re-triggering it', ...problems] : problems,
      lastRun: rt.lastRun,
      lastResult: rt.lastResult,
      running: rt.running.size,
    };
  }

  #emitStatus(rt: RuleRuntime): void {
    this.#d.onStatus?.(this.#statusOf(rt));
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Resumes or drops delays pending from the last run of the process, fires start triggers, starts the minute tick. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#resumePending();
    this.#dispatch({ kind: 'start' });
    this.#armTick();
  }

  stop(): void {
    this.#started = false;
    if (this.#tick) this.#d.clock.clearTimer(this.#tick);
    this.#tick = null;
    // Runs are cut short but their pending delays stay saved: stop is a restart's first half.
    for (const rt of this.#rules.values()) {
      for (const h of rt.forTimers.values()) this.#d.clock.clearTimer(h);
      rt.forTimers.clear();
      for (const run of rt.running) {
        run.aborted = true;
        run.cancelWait?.();
      }
    }
  }

  #armTick(): void {
    const now = this.#d.clock.now();
    const next = Math.floor(now / 60_000) * 60_000 + 60_000;
    this.#tick = this.#d.clock.setTimer(() => {
      if (!this.#started) return;
      this.#onMinute(next);
      this.#armTick();
    }, next - now);
  }

  #onMinute(at: number): void {
    const local = localMinute(at, this.#d.site.timezone);
    this.#dispatch({ kind: 'minute', at, local });
    for (const s of this.#schedules.values()) {
      for (const c of scheduledCommands(s, local)) void this.#runSchedule(s, c, at);
    }
  }

  async #runSchedule(s: Schedule, command: EntityCommand, at: number): Promise<void> {
    const started = this.#d.clock.now();
    const step: TraceStep = {
      path: 'schedule',
      type: 'command',
      outcome: 'ok',
      at: started,
      durationMs: 0,
      detail: `${s.entityId} ${JSON.stringify(command)}`,
    };
    try {
      await this.#d.execute(s.entityId, command);
    } catch (err) {
      step.outcome = 'failed';
      step.detail = `${step.detail}: ${(err as Error).message}`;
    }
    step.durationMs = this.#d.clock.now() - started;
    this.#d.onTrace?.({
      id: newRunId(at),
      ruleId: `schedule:${s.id}`,
      startedAt: started,
      finishedAt: this.#d.clock.now(),
      trigger: { index: 0, type: 'schedule', detail: s.name },
      result: step.outcome === 'ok' ? 'ran' : 'failed',
      steps: [step],
      conflicts: [],
    });
  }

  // ---- events --------------------------------------------------------------------------------

  onStateChanged(entityId: string, state: EntityState, previous: EntityState | undefined): void {
    this.#dispatch({ kind: 'state', entityId, state, previous });
  }

  onAvailability(deviceId: string, availability: 'online' | 'offline'): void {
    const previous = this.#availability.get(deviceId);
    if (previous === availability) return;
    this.#availability.set(deviceId, availability);
    this.#dispatch({ kind: 'availability', deviceId, availability, previous });
  }

  #dispatch(event: EngineEvent): void {
    for (const w of [...this.#waiters]) {
      const v = matchTrigger(w.trigger, event, { get: () => w.phase, set: (p) => (w.phase = p) }, this.#sun);
      if (!v) continue;
      if ('fire' in v) w.done(v.fire);
      else if ('arm' in v && !w.forTimer) {
        w.forTimer = this.#d.clock.setTimer(() => w.done(`${v.detail} for ${v.arm / 1000} s`), v.arm);
      } else if ('disarm' in v && w.forTimer) {
        this.#d.clock.clearTimer(w.forTimer);
        w.forTimer = null;
        if (w.trigger.type === 'threshold') w.phase = 'armed';
      }
    }
    const targets =
      event.kind === 'state'
        ? this.#byEntity.get(event.entityId)
        : event.kind === 'availability'
          ? this.#byDevice.get(event.deviceId)
          : event.kind === 'minute'
            ? this.#timed
            : [...this.#rules.values()].flatMap((rt) =>
                rt.rule.triggers
                  .map((t, i) => [rt, i] as [RuleRuntime, number])
                  .filter(([, i]) => rt.rule.triggers[i]!.type === 'start'),
              );
    if (!targets) return;
    const causedBy = event.kind === 'state' ? this.#lastWrite.get(event.entityId) : undefined;
    const causal = causedBy !== undefined && this.#d.clock.now() - causedBy.at <= this.#loop.causalMs;
    for (const [rt, i] of targets) {
      if (!rt.rule.enabled) continue;
      const trigger = rt.rule.triggers[i]!;
      const phase = {
        get: () => rt.phases.get(i) ?? 'armed',
        set: (p: ThresholdPhase) => rt.phases.set(i, p),
      };
      const v = matchTrigger(trigger, event, phase, this.#sun);
      if (!v) continue;
      if ('disarm' in v) {
        const h = rt.forTimers.get(i);
        if (h) this.#d.clock.clearTimer(h);
        rt.forTimers.delete(i);
      } else if ('arm' in v) {
        if (rt.forTimers.has(i)) continue;
        const h = this.#d.clock.setTimer(() => {
          rt.forTimers.delete(i);
          if (trigger.type === 'threshold') rt.phases.set(i, 'fired');
          this.#trigger(
            rt,
            { index: i, type: trigger.type, detail: `${v.detail} for ${v.arm / 1000} s` },
            false,
          );
        }, v.arm);
        rt.forTimers.set(i, h);
      } else {
        this.#trigger(rt, { index: i, type: trigger.type, detail: v.fire }, causal);
      }
    }
  }

  // ---- runs ----------------------------------------------------------------------------------

  /** Runs a rule now (the UI's "run"), as if its first trigger fired. */
  runNow(ruleId: string, skipConditions = false): Promise<Trace> | null {
    const rt = this.#rules.get(ruleId);
    if (!rt) return null;
    return this.#start(rt, { index: -1, type: 'manual', detail: 'run by hand' }, skipConditions, 0);
  }

  #trigger(rt: RuleRuntime, trigger: Trace['trigger'], causal: boolean): void {
    this.evaluations++;
    const now = this.#d.clock.now();
    if (rt.loopStopped) return;
    if (causal) {
      rt.loopHits.push(now);
      while (rt.loopHits.length && rt.loopHits[0]! < now - this.#loop.windowMs) rt.loopHits.shift();
      if (rt.loopHits.length > this.#loop.max) {
        rt.loopStopped = true;
        this.#stopRuntime(rt);
        this.#finish(rt, this.#traceOf(rt, trigger, now, 'loop_stopped', [], []));
        return;
      }
    }
    const { maxRuns, perS } = rt.rule.rateLimit;
    while (rt.runTimes.length && rt.runTimes[0]! <= now - perS * 1000) rt.runTimes.shift();
    if (rt.runTimes.length >= maxRuns) {
      // One trace per burst: a flapping input must not flood the trace table either.
      if (!rt.rateLimitedTraced) this.#finish(rt, this.#traceOf(rt, trigger, now, 'rate_limited', [], []));
      rt.rateLimitedTraced = true;
      return;
    }
    rt.rateLimitedTraced = false;
    const mode = rt.rule.mode;
    if (rt.running.size > 0) {
      if (mode.type === 'single') {
        this.#finish(rt, this.#traceOf(rt, trigger, now, 'skipped_running', [], []));
        return;
      }
      if (mode.type === 'restart') for (const run of rt.running) this.#abort(run);
      if (mode.type === 'queued') {
        if (rt.queue.length >= mode.max) {
          this.#finish(rt, this.#traceOf(rt, trigger, now, 'queue_full', [], []));
          return;
        }
        rt.runTimes.push(now);
        rt.queue.push(() => void this.#start(rt, trigger, false, 0));
        return;
      }
      if (mode.type === 'parallel' && rt.running.size >= mode.max) {
        this.#finish(rt, this.#traceOf(rt, trigger, now, 'queue_full', [], []));
        return;
      }
    }
    rt.runTimes.push(now);
    void this.#start(rt, trigger, false, 0);
  }

  #traceOf(
    rt: RuleRuntime,
    trigger: Trace['trigger'],
    at: number,
    result: TraceResult,
    steps: TraceStep[],
    conflicts: Trace['conflicts'],
  ): Trace {
    return {
      id: newRunId(at),
      ruleId: rt.rule.id,
      startedAt: at,
      finishedAt: this.#d.clock.now(),
      trigger,
      result,
      steps,
      conflicts,
    };
  }

  #finish(rt: RuleRuntime, trace: Trace): void {
    rt.lastRun = trace.startedAt;
    rt.lastResult = trace.result;
    this.#d.onTrace?.(trace);
    this.#emitStatus(rt);
  }

  #abort(run: Run): void {
    run.aborted = true;
    run.cancelWait?.();
    this.#d.pending?.remove(run.id);
  }

  async #start(
    rt: RuleRuntime,
    trigger: Trace['trigger'],
    skipConditions: boolean,
    fromIndex: number,
    runId?: string,
  ): Promise<Trace> {
    const now = this.#d.clock.now();
    const run: Run = {
      id: runId ?? newRunId(now),
      rule: rt.rule,
      trigger,
      startedAt: now,
      steps: [],
      conflicts: [],
      aborted: false,
      cancelWait: null,
    };
    rt.running.add(run);
    let result: TraceResult = 'ran';
    try {
      if (!skipConditions && fromIndex === 0) {
        const ctx = {
          state: (id: string) => this.#d.state(id),
          zoneOccupied: (z: string) => this.#d.zoneOccupied(z),
          variable: (n: string) => this.#variables.get(n),
          local: localMinute(now, this.#d.site.timezone),
          now,
        };
        const ok = rt.rule.conditions.every((c, i) =>
          evaluateCondition(c, ctx, `conditions.${i}`, run.steps),
        );
        if (!ok) result = 'conditions_false';
      }
      if (result === 'ran') result = await this.#runActions(run, fromIndex);
    } catch (err) {
      run.steps.push({
        path: 'run',
        type: 'error',
        outcome: 'failed',
        at: this.#d.clock.now(),
        durationMs: 0,
        detail: (err as Error).message,
      });
      result = 'failed';
    } finally {
      rt.running.delete(run);
      if (this.#started) this.#d.pending?.remove(run.id);
    }
    const trace = this.#traceOf(rt, trigger, now, result, run.steps, run.conflicts);
    trace.id = run.id;
    // A run cut short by stop() is not finished: its delay is resumed or dropped on the next start.
    if (this.#started || result !== 'aborted') this.#finish(rt, trace);
    const next = this.#rules.get(rt.rule.id) === rt ? rt.queue.shift() : undefined;
    next?.();
    return trace;
  }

  async #runActions(run: Run, fromIndex: number): Promise<TraceResult> {
    let failed = false;
    const actions = run.rule.actions;
    for (let i = fromIndex; i < actions.length; i++) {
      if (run.aborted) return 'aborted';
      const action = actions[i]!;
      const at = this.#d.clock.now();
      const step: TraceStep = {
        path: `actions.${i}`,
        type: action.type,
        outcome: 'ok',
        at,
        durationMs: 0,
        detail: null,
      };
      run.steps.push(step);
      try {
        const outcome = await this.#runAction(run, action, i);
        if (run.aborted) {
          step.outcome = 'aborted';
          step.durationMs = this.#d.clock.now() - at;
          return 'aborted';
        }
        if (outcome === 'stop') {
          step.outcome = 'timeout';
          step.durationMs = this.#d.clock.now() - at;
          return failed ? 'failed' : 'ran';
        }
        if (outcome === 'timeout') step.outcome = 'timeout';
        if (typeof outcome === 'object') step.detail = outcome.detail;
      } catch (err) {
        step.outcome = 'failed';
        step.detail = (err as Error).message;
        failed = true;
      }
      step.durationMs = this.#d.clock.now() - at;
      if (run.aborted) {
        step.outcome = 'aborted';
        return 'aborted';
      }
    }
    return failed ? 'failed' : 'ran';
  }

  async #runAction(
    run: Run,
    a: Action,
    index: number,
  ): Promise<void | 'timeout' | 'stop' | { detail: string }> {
    switch (a.type) {
      case 'command':
        await this.#command(run, a.entityId, a.command);
        return { detail: `${a.entityId} ${a.command.type}` };
      case 'scene':
        return { detail: await this.applyScene(a.sceneId, run) };
      case 'delay': {
        const resumeAt = this.#d.clock.now() + a.seconds * 1000;
        this.#d.pending?.save({
          runId: run.id,
          ruleId: run.rule.id,
          resumeAt,
          nextIndex: index + 1,
          trigger: run.trigger,
        });
        await this.#sleep(run, a.seconds * 1000);
        // Cut short by stop(): the saved delay is what the next start resumes or drops.
        if (this.#started) this.#d.pending?.remove(run.id);
        return;
      }
      case 'wait_for_trigger': {
        const fired = await this.#waitFor(run, a.trigger, a.timeoutS * 1000);
        if (fired !== null) return { detail: fired };
        return a.continueOnTimeout ? 'timeout' : 'stop';
      }
      case 'notify':
        this.#d.notify?.({
          ruleId: run.rule.id,
          message: a.message,
          level: a.level,
          at: this.#d.clock.now(),
        });
        return { detail: a.message };
      case 'set_variable':
        this.#variables.set(a.name, a.value);
        return { detail: `${a.name} = ${JSON.stringify(a.value)}` };
      case 'set_rule_enabled': {
        if (!this.setEnabled(a.ruleId, a.enabled)) throw new Error(`no rule ${a.ruleId}`);
        return { detail: `${a.ruleId} ${a.enabled ? 'enabled' : 'disabled'}` };
      }
    }
  }

  #sleep(run: Run, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const h = this.#d.clock.setTimer(() => {
        run.cancelWait = null;
        resolve();
      }, ms);
      run.cancelWait = () => {
        this.#d.clock.clearTimer(h);
        run.cancelWait = null;
        resolve();
      };
    });
  }

  #waitFor(run: Run, trigger: Trigger, timeoutMs: number): Promise<string | null> {
    return new Promise((resolve) => {
      let phase: ThresholdPhase = 'armed';
      if (trigger.type === 'threshold') {
        const s = this.#d.state(trigger.entityId);
        const n = usable(s) ? numberOf(s.value) : null;
        if (n !== null && thresholdInBand(trigger, n)) phase = 'fired';
      }
      const finish = (v: string | null) => {
        this.#waiters.delete(waiter);
        this.#d.clock.clearTimer(h);
        if (waiter.forTimer) this.#d.clock.clearTimer(waiter.forTimer);
        run.cancelWait = null;
        resolve(v);
      };
      const waiter: Waiter = { trigger, phase, forTimer: null, done: (d) => finish(d) };
      const h = this.#d.clock.setTimer(() => finish(null), timeoutMs);
      this.#waiters.add(waiter);
      run.cancelWait = () => finish(null);
    });
  }

  async #command(run: Run | null, entityId: string, command: EntityCommand): Promise<void> {
    const now = this.#d.clock.now();
    const key = JSON.stringify(command);
    const ruleId = run?.rule.id ?? 'scene';
    const last = this.#lastWrite.get(entityId);
    if (
      run &&
      last &&
      last.ruleId !== ruleId &&
      now - last.at <= this.#conflictWindowMs &&
      last.command !== key
    ) {
      run.conflicts.push({ entityId, otherRuleId: last.ruleId, at: now });
    }
    this.#lastWrite.set(entityId, { ruleId, at: now, command: key });
    await this.#d.execute(entityId, command);
  }

  /** Applies a scene (from a rule or by hand); returns a summary, throws when any entity failed. */
  async applyScene(sceneId: string, run: Run | null = null): Promise<string> {
    const scene = this.#scenes.get(sceneId);
    if (!scene) throw new Error(`no scene ${sceneId}`);
    const failures: string[] = [];
    await Promise.all(
      scene.entries.map(async (entry) => {
        const plan = sceneCommands(entry, this.#d.state(entry.entityId));
        try {
          for (const stepCmd of plan) {
            if (stepCmd.afterMs > 0) {
              if (run) await this.#sleep(run, stepCmd.afterMs);
              else await new Promise<void>((r) => this.#d.clock.setTimer(r, stepCmd.afterMs));
              if (run?.aborted) return;
            }
            await this.#command(run, entry.entityId, stepCmd.command);
          }
        } catch (err) {
          failures.push(`${entry.entityId}: ${(err as Error).message}`);
        }
      }),
    );
    if (failures.length) throw new Error(`scene ${scene.name}: ${failures.join('; ')}`);
    return `scene ${scene.name}: ${scene.entries.length} entities`;
  }

  #resumePending(): void {
    const store = this.#d.pending;
    if (!store) return;
    const now = this.#d.clock.now();
    for (const p of store.list()) {
      const rt = this.#rules.get(p.ruleId);
      if (!rt || !rt.rule.enabled || rt.rule.onRestart !== 'resume') {
        store.remove(p.runId);
        if (rt)
          this.#finish(rt, {
            ...this.#traceOf(rt, p.trigger, now, 'dropped_on_restart', [], []),
            id: p.runId,
          });
        continue;
      }
      const h = this.#d.clock.setTimer(
        () => {
          rt.forTimers.delete(-1 - rt.forTimers.size);
          void this.#start(
            rt,
            { ...p.trigger, detail: `${p.trigger.detail ?? ''} (resumed after restart)` },
            true,
            p.nextIndex,
            p.runId,
          );
        },
        Math.max(0, p.resumeAt - now),
      );
      rt.forTimers.set(-1 - rt.forTimers.size, h);
    }
  }
}
