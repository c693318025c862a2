import type { EntityCommand } from '../../../../shared/domain/command.ts';
import type { PlanView } from '../../../../shared/energy/plan.ts';
import type { PlanSettings } from '../../../../shared/energy/plan-settings.ts';

/** One command the plan sends, with the slot's reason for the audit trail. */
export interface PlanCommand {
  entityId: string;
  command: EntityCommand;
  why: string;
}

export interface ExecutorDeps {
  /** the core's command path (the adapter host): the same call an API `entity.command` makes */
  execute(entityId: string, command: EntityCommand): Promise<void>;
  /** an audit entry per command sent, as for a person's command */
  audit(entry: { target: string; outcome: 'ok' | 'error'; detail: string }): Promise<void>;
}

/**
 * Turns the plan's current slot into device commands: thermostat setpoints (the zone's planned
 * temperature at the slot's end, at least the comfort edge, which the thermostat holds against
 * disturbances the model does not see), battery mode and power, EV on/off and current, the
 * tank's element for its share of the slot (a duty cycle), appliances released at their start
 * slot. A command is sent only when it differs from the last one sent to that entity, and each is
 * audited with the slot's reason.
 */
export class PlanExecutor {
  readonly #deps: ExecutorDeps;
  readonly #last = new Map<string, string>();
  #dutyTimer: ReturnType<typeof setTimeout> | null = null;
  sent = 0;
  failed = 0;
  lastError: string | null = null;

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
  }

  stop(): void {
    if (this.#dutyTimer) clearTimeout(this.#dutyTimer);
    this.#dutyTimer = null;
  }

  /** forget what was sent (after a mode change, resend everything) */
  reset(): void {
    this.#last.clear();
  }

  commandsFor(
    settings: PlanSettings,
    plan: PlanView,
    now: number,
    measuredC: (entityId: string) => number | null = () => null,
  ): { commands: PlanCommand[]; dutyOffAfterMs: number | null } {
    const t = Math.floor((now - plan.start) / plan.slotMs);
    const slot = plan.slots[t];
    if (!slot) return { commands: [], dutyOffAfterMs: null };
    const why = (asset: string) => slot.reasons.find((r) => r.asset === asset)?.text ?? 'planned';
    const out: PlanCommand[] = [];
    for (const z of settings.zones) {
      const planned = slot.zones.find((x) => x.id === z.id);
      if (!planned) continue;
      // never below the band's comfort edge: a building that heats faster than the model (or a
      // zone still recovering into its band) stops at comfort, not at the model's trajectory. Above
      // it, the plan's rise for this slot from where the zone really is: a zone behind the plan
      // catches up over the next plans instead of every heat pump running flat out at once.
      const measured = measuredC(z.tempEntity);
      const before = plan.slots[t - 1]?.zones.find((x) => x.id === z.id)?.tempC;
      let target = planned.tempC;
      if (measured !== null) {
        const rise = planned.tempC - (before ?? measured);
        target =
          z.mode === 'heat'
            ? Math.min(target, measured + Math.max(0, rise))
            : Math.max(target, measured + Math.min(0, rise));
      }
      target = z.mode === 'heat' ? Math.max(target, planned.lowC) : Math.min(target, planned.highC);
      out.push({
        entityId: z.thermostatEntity,
        command: { type: 'set_setpoint', value: Math.round(target * 10) / 10 },
        why: why(z.id),
      });
    }
    const b = settings.battery;
    if (b && slot.battery) {
      const { chargeKw, dischargeKw } = slot.battery;
      const mode = chargeKw > 0.01 ? 'charge' : dischargeKw > 0.01 ? 'discharge' : 'idle';
      if (b.modeEntity)
        out.push({ entityId: b.modeEntity, command: { type: 'set_mode', mode }, why: why(b.id) });
      if (b.powerEntity) {
        const pct =
          mode === 'charge'
            ? (chargeKw / b.maxChargeKw) * 100
            : mode === 'discharge'
              ? (dischargeKw / b.maxDischargeKw) * 100
              : 0;
        out.push({
          entityId: b.powerEntity,
          command: { type: 'set_level', level: Math.min(100, Math.round(pct)) },
          why: why(b.id),
        });
      }
    }
    const ev = settings.ev;
    if (ev && slot.evKw !== null) {
      const on = slot.evKw > 0.01;
      if (on && ev.currentEntity) {
        const amps = Math.floor((slot.evKw * 1000) / (ev.voltage * ev.phases));
        out.push({
          entityId: ev.currentEntity,
          command: { type: 'set_setpoint', value: Math.min(ev.maxCurrentA, Math.max(ev.minCurrentA, amps)) },
          why: why(ev.id),
        });
      }
      out.push({
        entityId: ev.switchEntity,
        command: { type: on ? 'turn_on' : 'turn_off' },
        why: why(ev.id),
      });
    }
    let dutyOffAfterMs: number | null = null;
    const hw = settings.hotWater;
    if (hw && slot.hotWater) {
      const duty = Math.min(1, slot.hotWater.kw / hw.heaterKw);
      const on = duty > 0.02;
      out.push({
        entityId: hw.switchEntity,
        command: { type: on ? 'turn_on' : 'turn_off' },
        why: why(hw.id),
      });
      if (on && duty < 0.98) dutyOffAfterMs = Math.max(0, slot.start + duty * plan.slotMs - now);
    }
    for (const a of settings.appliances) {
      const kw = slot.appliances.find((x) => x.id === a.id)?.kw ?? 0;
      const prev = plan.slots[t - 1]?.appliances.find((x) => x.id === a.id)?.kw ?? 0;
      if (kw > 0 && prev === 0)
        out.push({ entityId: a.switchEntity, command: { type: 'turn_on' }, why: why(a.id) });
    }
    return { commands: out, dutyOffAfterMs };
  }

  /** sends the slot's commands that changed; returns the ids of appliances released */
  async apply(
    settings: PlanSettings,
    plan: PlanView,
    now: number,
    measuredC?: (entityId: string) => number | null,
  ): Promise<PlanCommand[]> {
    const { commands, dutyOffAfterMs } = this.commandsFor(settings, plan, now, measuredC);
    const sent: PlanCommand[] = [];
    for (const c of commands) {
      const key = JSON.stringify(c.command);
      if (this.#last.get(c.entityId) === key) continue;
      if (await this.#send(c)) {
        this.#last.set(c.entityId, key);
        sent.push(c);
      }
    }
    if (this.#dutyTimer) clearTimeout(this.#dutyTimer);
    this.#dutyTimer = null;
    const hw = settings.hotWater;
    if (hw && dutyOffAfterMs !== null) {
      this.#dutyTimer = setTimeout(() => {
        const off: PlanCommand = {
          entityId: hw.switchEntity,
          command: { type: 'turn_off' },
          why: 'the slot’s planned heating is done (duty cycle)',
        };
        void this.#send(off).then((ok) => ok && this.#last.set(hw.switchEntity, JSON.stringify(off.command)));
      }, dutyOffAfterMs);
      this.#dutyTimer.unref?.();
    }
    return sent;
  }

  async #send(c: PlanCommand): Promise<boolean> {
    const detail = `${JSON.stringify(c.command)}: ${c.why}`;
    try {
      await this.#deps.execute(c.entityId, c.command);
      this.sent++;
      await this.#deps.audit({ target: c.entityId, outcome: 'ok', detail }).catch(() => undefined);
      return true;
    } catch (err) {
      this.failed++;
      this.lastError = `${c.entityId}: ${(err as Error).message}`;
      await this.#deps
        .audit({ target: c.entityId, outcome: 'error', detail: `${detail} — ${(err as Error).message}` })
        .catch(() => undefined);
      return false;
    }
  }
}
