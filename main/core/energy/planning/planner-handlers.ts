import type { CallContext, Handlers } from '../../module.ts';
import type { PlannerService } from './planner-service.ts';

type PlanMethod = Extract<keyof Handlers, `plan.${string}`>;

const actorOf = (c: CallContext) => `${c.session?.user.username ?? 'system'} (${c.transport})`;

/** The API's plan methods. */
export function createPlannerHandlers(planner: PlannerService): Pick<Handlers, PlanMethod> {
  return {
    'plan.get': async () => planner.view(),
    'plan.settings': async () => planner.settings(),
    'plan.saveSettings': async (p) => planner.saveSettings(p.settings),
    'plan.replan': async () => planner.replan('asked for'),
    'plan.override': async (p) => planner.override(p.override),
    'plan.clearOverride': async (p) => planner.clearOverride(p.asset),
    'plan.demandResponse': async (p, c) => ({ event: await planner.demandResponse(p.event, actorOf(c)) }),
    'plan.drEvents': async () => planner.drEvents(),
    'plan.identifyZone': async (p) => planner.identifyZone(p.zoneId, p.days, p.apply),
  };
}
