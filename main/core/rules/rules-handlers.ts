import type { Handlers } from '../module.ts';
import type { RulesService } from './rules-service.ts';

type RulesMethod = Extract<
  keyof Handlers,
  `rules.${string}` | `scenes.${string}` | `schedules.${string}` | `automations.${string}`
>;

/** The API's rules, scenes, schedules and import/export methods. */
export function createRulesHandlers(service: RulesService): Pick<Handlers, RulesMethod> {
  const rules = () => service;
  return {
    'rules.list': async () => rules().listRules(),
    'rules.get': async (p) => rules().getRule(p.ruleId),
    'rules.save': async (p) => rules().saveRule(p.rule),
    'rules.delete': async (p) => {
      await rules().deleteRule(p.ruleId);
      return { ok: true };
    },
    'rules.enable': async (p) => rules().enableRule(p.ruleId, p.enabled),
    'rules.run': async (p) => rules().runRule(p.ruleId, p.skipConditions),
    'rules.traces': async (p) => rules().listTraces(p.ruleId, p.limit, p.before),
    'rules.replay': async (p) => {
      const s = rules();
      const rule = p.rule ?? s.getRule(p.ruleId!).rule;
      return s.replay(rule, p.from, p.to);
    },
    'scenes.list': async () => rules().listScenes(),
    'scenes.save': async (p) => rules().saveScene(p.scene),
    'scenes.delete': async (p) => {
      await rules().deleteScene(p.sceneId);
      return { ok: true };
    },
    'scenes.apply': async (p) => rules().applyScene(p.sceneId),
    'scenes.capture': async (p) => rules().captureScene(p.sceneId, p.name, p.entityIds),
    'schedules.list': async () => rules().listSchedules(),
    'schedules.save': async (p) => rules().saveSchedule(p.schedule),
    'schedules.delete': async (p) => {
      await rules().deleteSchedule(p.scheduleId);
      return { ok: true };
    },
    'automations.export': async () => rules().exportAll(),
    'automations.import': async (p) => rules().importAll(p.bundle),
  };
}
