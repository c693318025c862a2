import type { Logger } from '../../../../shared/adapter/contract.ts';
import type { PlanStatus } from '../../../../shared/api/methods/plan.ts';
import type { PlanView } from '../../../../shared/energy/plan.ts';
import type {
  DemandResponse,
  DrEventView,
  PlanOverride,
  PlanSettings,
  ZoneIdentification,
} from '../../../../shared/energy/plan-settings.ts';
import { CoreError } from '../../errors.ts';
import type { TimeSeriesStore } from '../../history/types.ts';
import { optimise } from '../optimiser/optimise.ts';
import type { PlanSolver } from '../optimiser/plan-solver.ts';
import type { PlanInputs } from '../plan-inputs.ts';
import { DrMonitor } from './dr-monitor.ts';
import { fitRc } from './rc-fit.ts';
import { FIT_STEP_MS, zoneSamples } from './zone-history.ts';
import type { PlanExecutor } from './plan-executor.ts';
import type { PlanStore } from './plan-store.ts';
import { type SiteReadings, siteProblem } from './site-problem.ts';

const MINUTE = 60_000;
/** deviations re-plan at most this often */
const DEVIATION_COOLDOWN_MS = 5 * MINUTE;

export interface PlannerDeps {
  store: PlanStore;
  inputs: () => PlanInputs;
  readings: SiteReadings;
  solver: PlanSolver;
  executor: PlanExecutor;
  now: () => number;
  log: Logger;
  currency: () => string | null;
  /** telemetry history and the outdoor temperature entity, for identifying zones' R and C */
  history?: TimeSeriesStore;
  outdoorEntity?: () => string | null;
  onPlan: (view: PlanView, reason: string) => void;
}

/**
 * The planner: plans the site's flexible assets over a receding horizon (re-planned on a schedule,
 * on new prices or forecasts, when the building drifts from the plan, and on every override or
 * demand-response event), executes the current slot through the core's command path when its mode
 * is `execute`, and keeps the demand-response events with their measured compliance.
 */
export class PlannerService {
  readonly #d: PlannerDeps;
  readonly dr = new DrMonitor();
  #plan: PlanView | null;
  #lastAt: number | null = null;
  #lastReason: string | null = null;
  #notes: string[] = [];
  #error: string | null = null;
  #running: Promise<void> | null = null;
  #again: string | null = null;
  #lastDeviation = 0;
  #lastTick: number | null = null;
  #evDelivered = 0;
  readonly #appliancesDone = new Map<string, number>();

  constructor(deps: PlannerDeps) {
    this.#d = deps;
    this.#plan = deps.store.lastPlan();
  }

  settings(): PlanSettings {
    return this.#d.store.settings();
  }

  async saveSettings(s: PlanSettings): Promise<PlanSettings> {
    this.#d.store.saveSettings(s);
    this.#d.executor.reset();
    if (s.mode !== 'off') await this.replan('settings changed');
    return s;
  }

  get plan(): PlanView | null {
    return this.#plan;
  }

  status(): PlanStatus {
    const s = this.settings();
    return {
      mode: s.mode,
      lastPlanAt: this.#lastAt,
      lastReason: this.#lastReason,
      nextPlanAt: this.#lastAt === null || s.mode === 'off' ? null : this.#lastAt + s.replanMinutes * MINUTE,
      solving: this.#running !== null,
      notes: this.#notes,
      overrides: this.#d.store.overrides(this.#d.now()),
      error: this.#error,
    };
  }

  view(): { plan: PlanView | null; status: PlanStatus } {
    return { plan: this.#plan, status: this.status() };
  }

  /** Plans now (coalescing: a request during a solve runs once more after it). */
  async replan(reason: string): Promise<{ plan: PlanView | null; status: PlanStatus }> {
    if (this.settings().mode === 'off')
      throw new CoreError('conflict', 'The planner is off: set its mode to advise or execute first.');
    if (this.#running) {
      this.#again = reason;
      // the solve under way, then the one it runs again for this request
      for (let busy = this.#busy(); busy; busy = this.#busy()) await busy;
      return this.view();
    }
    this.#running = this.#solve(reason).finally(() => {
      this.#running = null;
    });
    await this.#running;
    const again = this.#again;
    this.#again = null;
    if (again) await this.replan(again);
    // a new plan acts at once (an override such as "charge the EV now" must not wait a minute)
    else await this.#execute(this.settings(), this.#d.now());
    return this.view();
  }

  #busy(): Promise<void> | null {
    return this.#running;
  }

  async #solve(reason: string): Promise<void> {
    const now = this.#d.now();
    const settings = this.settings();
    try {
      this.#pruneAppliances(now);
      const { problem, notes } = siteProblem({
        now,
        settings,
        inputs: this.#d.inputs(),
        readings: this.#d.readings,
        overrides: this.#d.store.overrides(now),
        dr: this.#d.store.drEvents(now),
        evDeliveredKwh: this.#evDelivered,
        appliancesDone: new Set(this.#appliancesDone.keys()),
      });
      const overrides = new Set(this.#d.store.overrides(now).map((o) => o.asset));
      const { view } = await optimise(problem, this.#d.solver, {
        currency: this.#d.currency() ?? undefined,
        timezone: this.#d.inputs().timezone(),
        overrides,
        now,
        solve: { timeLimitS: settings.timeLimitS },
      });
      this.#plan = view;
      this.#notes = notes;
      this.#error = null;
      this.#d.store.saveLastPlan(view);
      this.#d.onPlan(view, reason);
    } catch (err) {
      this.#error = (err as Error).message;
      this.#d.log.warn({ reason: this.#error }, 'energy plan failed');
    } finally {
      this.#lastAt = now;
      this.#lastReason = reason;
    }
  }

  /** The planner's minute: re-plan when due or drifting, execute the slot, track the EV and DR. */
  async tick(): Promise<void> {
    const now = this.#d.now();
    const s = this.settings();
    const last = this.#lastTick;
    this.#lastTick = now;
    this.#trackEv(s, last, now);
    this.#closeDr(now);
    if (s.mode === 'off') return;
    const plan = this.#plan;
    const horizonEnd = plan ? plan.start + plan.slots.length * plan.slotMs : 0;
    if (
      this.#lastAt === null ||
      now - this.#lastAt >= s.replanMinutes * MINUTE ||
      now >= horizonEnd - 60 * MINUTE
    )
      await this.replan('scheduled re-plan');
    else {
      const drift = this.#deviation(s, now);
      if (drift && now - this.#lastDeviation >= DEVIATION_COOLDOWN_MS) {
        this.#lastDeviation = now;
        await this.replan(drift);
      }
    }
    await this.#execute(s, now);
  }

  async #execute(s: PlanSettings, now: number): Promise<void> {
    if (s.mode !== 'execute' || !this.#plan) return;
    const sent = await this.#d.executor.apply(s, this.#plan, now, (id) => this.#d.readings.number(id));
    for (const c of sent) {
      const a = s.appliances.find((x) => x.switchEntity === c.entityId && c.command.type === 'turn_on');
      if (a) this.#appliancesDone.set(a.id, now + 24 * 60 * MINUTE);
    }
  }

  async override(o: PlanOverride): Promise<{ plan: PlanView | null; status: PlanStatus }> {
    const s = this.settings();
    const now = this.#d.now();
    if (o.until <= now) throw new CoreError('bad_request', 'An override must end in the future.');
    if (o.until - now > 7 * 24 * 60 * MINUTE)
      throw new CoreError('bad_request', 'An override lasts at most 7 days.');
    if (o.kind === 'ev_charge_now' && s.ev?.id !== o.asset)
      throw new CoreError('not_found', `No EV charger "${o.asset}" in the planner's settings.`);
    if (o.kind === 'hold_temperature') {
      const zone = s.zones.find((z) => z.id === o.asset);
      if (!zone) throw new CoreError('not_found', `No zone "${o.asset}" in the planner's settings.`);
    }
    this.#d.store.setOverride(o);
    return this.replan(
      `override: ${o.kind === 'ev_charge_now' ? 'charge the EV now' : `hold ${o.tempC} °C`} (${o.asset})`,
    );
  }

  async clearOverride(asset: string): Promise<{ plan: PlanView | null; status: PlanStatus }> {
    if (!this.#d.store.clearOverride(asset)) throw new CoreError('not_found', `No override on "${asset}".`);
    return this.replan(`override on ${asset} cleared`);
  }

  async demandResponse(e: DemandResponse, source: string): Promise<DrEventView> {
    const now = this.#d.now();
    if (e.to <= now) throw new CoreError('bad_request', 'The demand-response window has already ended.');
    const event: DrEventView = {
      id: e.id ?? `dr-${e.from}-${e.to}`,
      capKw: e.capKw,
      from: e.from,
      to: e.to,
      source,
      receivedAt: now,
      compliance: null,
    };
    this.#d.store.addDr(event);
    if (this.settings().mode !== 'off') await this.replan(`demand response: import capped at ${e.capKw} kW`);
    return event;
  }

  /** Fits a zone's R and C to its last `days` of history; `apply` saves them into its settings. */
  async identifyZone(zoneId: string, days: number, apply: boolean): Promise<ZoneIdentification> {
    const s = this.settings();
    const zone = s.zones.find((z) => z.id === zoneId);
    if (!zone) throw new CoreError('not_found', `No zone "${zoneId}" in the planner's settings.`);
    if (!zone.heatPowerEntity)
      throw new CoreError(
        'bad_request',
        `Zone "${zone.name}" has no heatPowerEntity: its heating power is needed to tell R from C.`,
      );
    const outdoor = this.#d.outdoorEntity?.() ?? null;
    if (!outdoor || !this.#d.history)
      throw new CoreError('bad_request', 'Set the outdoor temperature entity in the energy settings first.');
    const to = this.#d.now();
    const from = to - days * 24 * 60 * MINUTE;
    const samples = zoneSamples(
      this.#d.history,
      { ...zone, heatPowerEntity: zone.heatPowerEntity },
      outdoor,
      from,
      to,
    );
    const fit = fitRc(samples, FIT_STEP_MS);
    if (apply) {
      const zones = s.zones.map((z) =>
        z.id === zoneId ? { ...z, rKPerKw: round(fit.rKPerKw), cKwhPerK: round(fit.cKwhPerK) } : z,
      );
      await this.saveSettings({ ...s, zones });
    }
    return { zoneId, ...fit, from, to, applied: apply };
  }

  drEvents(): DrEventView[] {
    return this.#d.store.drEvents(this.#d.now() - 30 * 24 * 60 * MINUTE);
  }

  /** the live balance's grid import, for demand-response compliance */
  importSample(at: number, importW: number): void {
    const active = this.#d.store.drEvents(at).some((e) => e.from <= at && at < e.to);
    this.dr.sample(at, importW, active);
  }

  #closeDr(now: number): void {
    for (const e of this.#d.store.drEvents(now - 24 * 60 * MINUTE))
      if (e.to <= now && e.compliance === null) this.#d.store.setCompliance(e.id, this.dr.compliance(e));
    this.dr.prune(now - 2 * 24 * 60 * MINUTE);
  }

  #trackEv(s: PlanSettings, last: number | null, now: number): void {
    const ev = s.ev;
    if (!ev || this.#d.readings.on(ev.pluggedEntity) !== true) {
      this.#evDelivered = 0;
      return;
    }
    // energy into the car: the executed plan's power over the elapsed time
    const plan = this.#plan;
    if (last === null || !plan || s.mode !== 'execute') return;
    const slot = plan.slots[Math.floor((last - plan.start) / plan.slotMs)];
    if (slot?.evKw) this.#evDelivered += (slot.evKw * ev.efficiency * (now - last)) / 3_600_000;
  }

  #deviation(s: PlanSettings, now: number): string | null {
    const plan = this.#plan;
    if (!plan) return null;
    const t = Math.floor((now - plan.start) / plan.slotMs) - 1;
    const slot = plan.slots[t];
    if (!slot) return null;
    for (const z of s.zones) {
      const planned = slot.zones.find((x) => x.id === z.id);
      const measured = this.#d.readings.number(z.tempEntity);
      if (planned && measured !== null && Math.abs(measured - planned.tempC) > s.deviationK)
        return `${z.name} is at ${measured.toFixed(1)} °C, ${planned.tempC.toFixed(1)} °C planned`;
    }
    const b = s.battery;
    if (b && slot.battery) {
      const pct = this.#d.readings.number(b.socEntity);
      if (pct !== null && Math.abs((pct / 100) * b.capacityKwh - slot.battery.socKwh) > 0.1 * b.capacityKwh)
        return `${b.name} is at ${pct.toFixed(0)} %, off the plan by more than 10 %`;
    }
    return null;
  }

  #pruneAppliances(now: number): void {
    for (const [id, until] of this.#appliancesDone) if (until <= now) this.#appliancesDone.delete(id);
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
