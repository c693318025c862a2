import { z } from 'zod';
import { DisplayName } from '../domain/safe-text.ts';
import { EntityCommand } from '../domain/command.ts';
import { AutomationId, EntityRef } from './primitives.ts';

export const SceneEntry = z
  .object({
    entityId: EntityRef,
    command: EntityCommand,
    /** a dimmable light ramps its level over this time; other entities switch at the end */
    transitionS: z.number().min(0).max(3600).default(0),
  })
  .strict();
export type SceneEntry = z.infer<typeof SceneEntry>;

export const Scene = z
  .object({
    id: AutomationId,
    name: DisplayName(120, 'give the scene a name'),
    entries: z.array(SceneEntry).min(1, 'add at least one entity').max(200),
  })
  .strict();
export type Scene = z.infer<typeof Scene>;
