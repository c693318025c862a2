import { z } from 'zod';
import { DEVICE_EVENTS } from './events/devices.ts';
import { ENERGY_EVENTS } from './events/energy.ts';
import { PLAN_EVENTS } from './events/plan.ts';
import { RULES_EVENTS } from './events/rules.ts';
import { SITE_EVENTS } from './events/site.ts';

/** Changes pushed to subscribed clients after their snapshot; each feature declares its own in events/. */
export const ApiEvent = z.discriminatedUnion('type', [
  ...SITE_EVENTS,
  ...DEVICE_EVENTS,
  ...RULES_EVENTS,
  ...ENERGY_EVENTS,
  ...PLAN_EVENTS,
]);
export type ApiEvent = z.infer<typeof ApiEvent>;
