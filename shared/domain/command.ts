import { z } from 'zod';

/** What a user, a rule or a scene can ask an entity to do. Adapters translate it to their protocol. */
export const EntityCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('turn_on') }),
  z.object({ type: z.literal('turn_off') }),
  z.object({ type: z.literal('toggle') }),
  z.object({ type: z.literal('set_level'), level: z.number().min(0).max(100) }),
  z.object({ type: z.literal('set_setpoint'), value: z.number().min(-50).max(100) }),
  z.object({ type: z.literal('set_mode'), mode: z.string().min(1).max(32) }),
]);
export type EntityCommand = z.infer<typeof EntityCommand>;
