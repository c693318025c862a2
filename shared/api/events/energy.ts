import { z } from 'zod';
import type { LiveBalance } from '../methods/energy.ts';

/** Energy: the live balance (at most about once a second) and new day-ahead prices. */
export const ENERGY_EVENTS = [
  z.object({ type: z.literal('energy.balance'), balance: z.custom<LiveBalance>(() => true) }),
  z.object({
    type: z.literal('energy.prices'),
    series: z.string(),
    from: z.number(),
    to: z.number(),
    count: z.number(),
  }),
] as const;
