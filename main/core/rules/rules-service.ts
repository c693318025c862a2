import type { RxCollection } from 'rxdb';
import type { Logger } from '../../../shared/adapter/contract.ts';
import { AutomationBundle } from '../../../shared/rules/index.ts';
import type { Rule } from '../../../shared/rules/rule.ts';
import type { Scene } from '../../../shared/rules/scene.ts';
import type { Schedule } from '../../../shared/rules/schedule.ts';
import type { RuleStatus, Trace } from '../../../shared/rules/trace.ts';
import type { AdapterHost } from '../adapter-host/adapter-host.ts';
import { CoreError } from '../errors.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { TimeSeriesStore } from '../history/index.ts';
import type { DeviceRegistry } from '../registry/device-registry.ts';
import type { StateStore } from '../state/state-store.ts';
import { AutomationRepo } from './automation-repo.ts';
import { systemClock, type Clock } from './clock.ts';
import { conditionEntities } from './conditions.ts';
import { RuleEngine } from './engine.ts';
import { replayRule, type ReplayResult } from './replay.ts';
import { captureScene } from './scenes.ts';
import { zoneOccupancy } from './site-view.ts';
import type { Site } from './sun.ts';
import { TraceStore, type TraceRetention } from './trace-store.ts';
import { triggerKey } from './triggers.ts';

export interface RulesServiceOptions {
  collection: RxCollection;
  dbFile: string;
  bus: EventBus;
  registry: DeviceRegistry;
  states: StateStore;
  adapters: Pick<AdapterHost, 'execute'>;
  history: Pick<TimeSeriesStore, 'query'>;
  site: Site;
  log: Logger;
  clock?: Clock;
  retention?: TraceRetention;
}

type Issue = { path: string; message: string };
const STATUS_FLUSH_MS = 200;

/**
 * The rules feature as a core service: loads automations, hangs the engine off the bus, sends
 * commands through the adapter host, stores traces, and answers the API.
 */
export class RulesService {
  readonly engine: RuleEngine;
  readonly traces: TraceStore;
  readonly #o: RulesServiceOptions;
  readonly #repo: AutomationRepo;
  readonly #clock: Clock;
  readonly #scenes = new Map<string, Scene>();
  readonly #schedules = new Map<string, Schedule>();
  #unsubscribe: Array<() => void> = [];
  /** statuses are coalesced: a rule running 100 times a second is one event per flush, not 100 */
  readonly #statusQueue = new Map<string, RuleStatus>();
  #statusTimer: NodeJS.Timeout | null = null;

  constructor(o: RulesServiceOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#repo = new AutomationRepo(o.collection, () => this.#clock.now());
    this.traces = new TraceStore(o.dbFile, o.retention);
    this.engine = new RuleEngine({
      clock: this.#clock,
      site: o.site,
      state: (id) => o.states.get(id),
      entityExists: (id) => o.registry.entities.has(id),
      deviceExists: (id) => o.registry.devices.has(id),
      zoneOccupied: (z) => zoneOccupancy(o.registry, o.states, z),
      execute: (entityId, command) => o.adapters.execute(entityId, command),
      notify: (n) => {
        o.log.warn({ ...n }, 'rule notification');
        o.bus.emit('rule.notify', n);
      },
      onTrace: (t) => this.traces.add(t),
      onStatus: (status) => this.#queueStatus(status),
      pending: this.traces.pending,
    });
  }

  async start(): Promise<void> {
    const { rules, scenes, schedules, invalid } = await this.#repo.loadAll();
    if (invalid.length)
      this.#o.log.warn({ invalid }, 'stored automations that no longer validate were skipped');
    for (const s of scenes) this.#scenes.set(s.id, s);
    for (const s of schedules) this.#schedules.set(s.id, s);
    this.engine.setScenes(scenes);
    this.engine.setSchedules(schedules);
    this.engine.setRules(rules);
    const { bus } = this.#o;
    this.#unsubscribe = [
      bus.on('state.changed', ({ entityId, state, previous }) =>
        this.engine.onStateChanged(entityId, state, previous),
      ),
      bus.on('device.changed', ({ device }) => {
        if (device.availability !== 'unknown') this.engine.onAvailability(device.id, device.availability);
      }),
      // A removed entity flags the rules that use it.
      bus.on('device.removed', () => this.#publishStatuses()),
      bus.on('entity.changed', () => this.#publishStatuses()),
    ];
    for (const d of this.#o.registry.devices.values())
      if (d.availability !== 'unknown') this.engine.onAvailability(d.id, d.availability);
    this.engine.start();
  }

  #queueStatus(status: RuleStatus): void {
    this.#statusQueue.set(status.ruleId, status);
    if (this.#statusTimer) return;
    this.#statusTimer = setTimeout(() => {
      this.#statusTimer = null;
      const batch = [...this.#statusQueue.values()];
      this.#statusQueue.clear();
      for (const s of batch) this.#o.bus.emit('rule.status', { status: s });
    }, STATUS_FLUSH_MS);
    this.#statusTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.#statusTimer) clearTimeout(this.#statusTimer);
    this.#unsubscribe.forEach((u) => u());
    this.engine.stop();
    this.traces.close();
  }

  #publishStatuses(): void {
    for (const status of this.engine.statuses()) this.#o.bus.emit('rule.status', { status });
  }

  // ---- rules -------------------------------------------------------------------------------

  listRules(): { rules: Rule[]; statuses: RuleStatus[] } {
    const statuses = this.engine.statuses();
    return { rules: statuses.map((s) => this.engine.rule(s.ruleId)!), statuses };
  }

  getRule(id: string): { rule: Rule; status: RuleStatus } {
    const rule = this.engine.rule(id);
    if (!rule) throw new CoreError('not_found', `No rule ${id}.`);
    return { rule, status: this.engine.status(id)! };
  }

  /** References are checked against the site now: a typo is an error at its field, not a dead rule. */
  referenceIssues(rule: Rule): Issue[] {
    const { registry } = this.#o;
    const issues: Issue[] = [];
    const entity = (id: string, path: string) => {
      if (!registry.entities.has(id)) issues.push({ path, message: `no entity ${id}` });
    };
    rule.triggers.forEach((t, i) => {
      const k = triggerKey(t);
      if (k.entity) entity(k.entity, `rule.triggers.${i}.entityId`);
      if (k.device && !registry.devices.has(k.device))
        issues.push({ path: `rule.triggers.${i}.deviceId`, message: `no device ${k.device}` });
    });
    rule.conditions.forEach((c, i) => {
      const ids = new Set<string>();
      conditionEntities(c, ids);
      for (const id of ids) entity(id, `rule.conditions.${i}`);
      if (c.type === 'zone_occupied' && !registry.zones.has(c.zoneId))
        issues.push({ path: `rule.conditions.${i}.zoneId`, message: `no zone ${c.zoneId}` });
    });
    rule.actions.forEach((a, i) => {
      if (a.type === 'command') {
        entity(a.entityId, `rule.actions.${i}.entityId`);
        const e = registry.entities.get(a.entityId);
        if (e && !e.writable)
          issues.push({ path: `rule.actions.${i}.entityId`, message: `${e.name} cannot be commanded` });
      }
      if (a.type === 'scene' && !this.#scenes.has(a.sceneId))
        issues.push({ path: `rule.actions.${i}.sceneId`, message: `no scene ${a.sceneId}` });
      if (a.type === 'set_rule_enabled' && a.ruleId !== rule.id && !this.engine.rule(a.ruleId))
        issues.push({ path: `rule.actions.${i}.ruleId`, message: `no rule ${a.ruleId}` });
    });
    return issues;
  }

  async saveRule(rule: Rule): Promise<{ rule: Rule; status: RuleStatus }> {
    const issues = this.referenceIssues(rule);
    if (issues.length) throw new CoreError('bad_request', issues[0]!.message, issues);
    await this.#repo.save('rule', rule);
    this.engine.upsertRule(rule);
    return this.getRule(rule.id);
  }

  async deleteRule(id: string): Promise<void> {
    if (!(await this.#repo.remove('rule', id))) throw new CoreError('not_found', `No rule ${id}.`);
    this.engine.removeRule(id);
  }

  async enableRule(id: string, enabled: boolean): Promise<RuleStatus> {
    const rule = this.engine.rule(id);
    if (!rule) throw new CoreError('not_found', `No rule ${id}.`);
    const updated = { ...rule, enabled };
    await this.#repo.save('rule', updated);
    // Re-enabling clears a loop stop: the installer has looked at it.
    this.engine.upsertRule(updated);
    return this.engine.status(id)!;
  }

  async runRule(id: string, skipConditions: boolean): Promise<Trace> {
    const run = this.engine.runNow(id, skipConditions);
    if (!run) throw new CoreError('not_found', `No rule ${id}.`);
    return run;
  }

  listTraces(id: string, limit: number, before?: number): Trace[] {
    return this.traces.list(id, limit, before);
  }

  async replay(rule: Rule, from: number, to: number): Promise<ReplayResult> {
    if (!(to > from))
      throw new CoreError('bad_request', '"to" must be after "from".', [
        { path: 'to', message: 'before from' },
      ]);
    if (to - from > 31 * 86_400_000)
      throw new CoreError('bad_request', 'Replay at most 31 days at once.', [
        { path: 'to', message: 'window over 31 days' },
      ]);
    const { history, registry } = this.#o;
    return replayRule({
      rule,
      from,
      to,
      site: this.#o.site,
      entities: registry.entities,
      scenes: [...this.#scenes.values()],
      history: {
        samples: (entityId, f, t) =>
          history
            .query({ entityId, from: f, to: t, resolution: 'raw' })
            .points.map((p) => ({ ts: p.ts, value: p.last })),
      },
    });
  }

  // ---- scenes and schedules ----------------------------------------------------------------

  listScenes(): Scene[] {
    return [...this.#scenes.values()];
  }

  async saveScene(scene: Scene): Promise<Scene> {
    const issues: Issue[] = [];
    scene.entries.forEach((e, i) => {
      if (!this.#o.registry.entities.has(e.entityId))
        issues.push({ path: `scene.entries.${i}.entityId`, message: `no entity ${e.entityId}` });
    });
    if (issues.length) throw new CoreError('bad_request', issues[0]!.message, issues);
    await this.#repo.save('scene', scene);
    this.#scenes.set(scene.id, scene);
    this.engine.upsertScene(scene);
    this.#publishStatuses();
    return scene;
  }

  async deleteScene(id: string): Promise<void> {
    if (!(await this.#repo.remove('scene', id))) throw new CoreError('not_found', `No scene ${id}.`);
    this.#scenes.delete(id);
    this.engine.removeScene(id);
    this.#publishStatuses();
  }

  async applyScene(id: string): Promise<{ detail: string }> {
    if (!this.#scenes.has(id)) throw new CoreError('not_found', `No scene ${id}.`);
    try {
      return { detail: await this.engine.applyScene(id) };
    } catch (err) {
      throw new CoreError('unavailable', (err as Error).message);
    }
  }

  async captureScene(
    id: string,
    name: string,
    entityIds: string[],
  ): Promise<{ scene: Scene; skipped: string[] }> {
    const entities = entityIds.map((e, i) => {
      const found = this.#o.registry.entities.get(e);
      if (!found)
        throw new CoreError('bad_request', `no entity ${e}`, [
          { path: `entityIds.${i}`, message: `no entity ${e}` },
        ]);
      return found;
    });
    const { entries, skipped } = captureScene(entities, (x) => this.#o.states.get(x));
    if (entries.length === 0)
      throw new CoreError('bad_request', 'None of these entities has a state to capture.', [
        { path: 'entityIds', message: skipped.join('; ') },
      ]);
    return { scene: await this.saveScene({ id, name, entries }), skipped };
  }

  listSchedules(): Schedule[] {
    return [...this.#schedules.values()];
  }

  async saveSchedule(s: Schedule): Promise<Schedule> {
    const e = this.#o.registry.entities.get(s.entityId);
    if (!e)
      throw new CoreError('bad_request', `no entity ${s.entityId}`, [
        { path: 'schedule.entityId', message: `no entity ${s.entityId}` },
      ]);
    if (!e.writable)
      throw new CoreError('bad_request', `${e.name} cannot be commanded`, [
        { path: 'schedule.entityId', message: 'not controllable' },
      ]);
    await this.#repo.save('schedule', s);
    this.#schedules.set(s.id, s);
    this.engine.upsertSchedule(s);
    return s;
  }

  async deleteSchedule(id: string): Promise<void> {
    if (!(await this.#repo.remove('schedule', id))) throw new CoreError('not_found', `No schedule ${id}.`);
    this.#schedules.delete(id);
    this.engine.removeSchedule(id);
  }

  // ---- import / export ---------------------------------------------------------------------

  exportAll(): AutomationBundle {
    return {
      format: 'truss-automations',
      version: 1,
      rules: this.listRules().rules,
      scenes: this.listScenes(),
      schedules: this.listSchedules(),
    };
  }

  /**
   * Imports a validated bundle. Rules are taken even when they refer to entities this site lacks
   * (a bundle from another site): they are flagged in their status, not refused.
   */
  async importAll(
    bundle: AutomationBundle,
  ): Promise<{ rules: number; scenes: number; schedules: number; flagged: string[] }> {
    const parsed = AutomationBundle.parse(bundle);
    for (const s of parsed.scenes) {
      await this.#repo.save('scene', s);
      this.#scenes.set(s.id, s);
      this.engine.upsertScene(s);
    }
    for (const s of parsed.schedules) {
      await this.#repo.save('schedule', s);
      this.#schedules.set(s.id, s);
      this.engine.upsertSchedule(s);
    }
    const flagged: string[] = [];
    for (const r of parsed.rules) {
      await this.#repo.save('rule', r);
      this.engine.upsertRule(r);
      if (this.referenceIssues(r).length) flagged.push(r.id);
    }
    return {
      rules: parsed.rules.length,
      scenes: parsed.scenes.length,
      schedules: parsed.schedules.length,
      flagged,
    };
  }
}
