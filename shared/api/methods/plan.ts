import { z } from 'zod';
import type { PlanView } from '../../energy/plan.ts';
import {
  DemandResponse,
  type DrEventView,
  PlanOverride,
  PlanSettings,
  type ZoneIdentification,
} from '../../energy/plan-settings.ts';
import { ALL_ROLES, method, OPERATORS, READ } from './method.ts';

/**
 * The energy plan: read by everyone signed in; settings, re-plans, overrides and demand-response
 * caps by the roles that run the building, each audited. A demand-response aggregator calls
 * `plan.demandResponse` over the authenticated HTTP API with an operator account of its own.
 */
const Empty = z.object({}).strict();
const out = <T>() => z.custom<T>(() => true);

export interface PlanStatus {
  mode: PlanSettings['mode'];
  /** when the plan was last solved, and why */
  lastPlanAt: number | null;
  lastReason: string | null;
  nextPlanAt: number | null;
  solving: boolean;
  notes: string[];
  overrides: PlanOverride[];
  error: string | null;
}

export const PLAN_METHODS = {
  'plan.get': method(ALL_ROLES, Empty, out<{ plan: PlanView | null; status: PlanStatus }>(), READ),
  'plan.settings': method(ALL_ROLES, Empty, PlanSettings, READ),
  'plan.saveSettings': method(OPERATORS, z.object({ settings: PlanSettings }).strict(), PlanSettings),
  'plan.replan': method(OPERATORS, Empty, out<{ plan: PlanView | null; status: PlanStatus }>()),
  'plan.override': method(
    OPERATORS,
    z.object({ override: PlanOverride }).strict(),
    out<{ plan: PlanView | null; status: PlanStatus }>(),
  ),
  'plan.clearOverride': method(
    OPERATORS,
    z.object({ asset: z.string().min(1).max(48) }).strict(),
    out<{ plan: PlanView | null; status: PlanStatus }>(),
  ),
  'plan.demandResponse': method(
    OPERATORS,
    z.object({ event: DemandResponse }).strict(),
    out<{ event: DrEventView }>(),
  ),
  'plan.drEvents': method(ALL_ROLES, Empty, out<DrEventView[]>(), READ),
  /** fits the zone's R and C to its history (temperature, heat power, outdoor temperature); `apply` saves them */
  'plan.identifyZone': method(
    OPERATORS,
    z
      .object({
        zoneId: z.string().min(1).max(48),
        days: z.number().int().min(1).max(60).default(14),
        apply: z.boolean().default(false),
      })
      .strict(),
    out<ZoneIdentification>(),
  ),
} as const;
