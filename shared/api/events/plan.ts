import { z } from 'zod';

/** The planner: a new plan was made (clients fetch it with plan.get). */
export const PLAN_EVENTS = [
  z.object({
    type: z.literal('plan.updated'),
    at: z.number(),
    status: z.enum(['optimal', 'fallback']),
    reason: z.string(),
  }),
] as const;
