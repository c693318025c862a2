import { z } from 'zod';
import { Device } from '../../domain/device.ts';
import { Entity, EntityState } from '../../domain/entity.ts';
import { Zone } from '../../domain/zone.ts';

/** Changes to the site's devices, entities, states and zones. */
export const SITE_EVENTS = [
  z.object({ type: z.literal('state'), entityId: z.string(), state: EntityState }),
  z.object({ type: z.literal('device'), device: Device }),
  z.object({ type: z.literal('device.removed'), deviceId: z.string() }),
  /** devices heard from since the last event, coalesced (last-seen times for the UI) */
  z.object({ type: z.literal('device.seen'), seen: z.record(z.string(), z.number()) }),
  z.object({ type: z.literal('entity'), entity: Entity }),
  z.object({ type: z.literal('zone'), zone: Zone }),
  z.object({ type: z.literal('zone.removed'), zoneId: z.string() }),
] as const;
