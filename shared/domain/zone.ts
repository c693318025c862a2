import { z } from 'zod';

export const ZoneKind = z.enum(['site', 'building', 'floor', 'room']);
export type ZoneKind = z.infer<typeof ZoneKind>;

export const Zone = z.object({
  id: z.string(),
  name: z.string().min(1).max(80),
  kind: ZoneKind,
  parentId: z.string().nullable(),
});
export type Zone = z.infer<typeof Zone>;
