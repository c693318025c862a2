import { z } from 'zod';
import { DisplayName } from '../../domain/safe-text.ts';
import { Device } from '../../domain/device.ts';
import { Entity, EntityState } from '../../domain/entity.ts';
import { Zone, ZoneKind } from '../../domain/zone.ts';
import { ALL_ROLES, COMMISSIONERS, method, READ } from './method.ts';

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

export const Snapshot = z.object({
  zones: z.array(Zone),
  devices: z.array(Device),
  entities: z.array(Entity),
  states: z.record(z.string(), EntityState),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const Resolution = z.enum(['auto', 'raw', 'minute', 'hour', 'day']);
export type Resolution = z.infer<typeof Resolution>;

/** One history point: time bucket start and its aggregates (raw samples have min = max = mean = last). */
export const HistoryPoint = z.object({
  ts: z.number(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  last: z.number(),
  count: z.number(),
});
export type HistoryPoint = z.infer<typeof HistoryPoint>;

export const Health = z.object({
  status: z.enum(['ok', 'degraded', 'starting', 'stopping']),
  version: z.string(),
  uptimeS: z.number(),
  services: z.record(z.string(), z.object({ status: z.string(), detail: z.string().nullable() })),
});
export type Health = z.infer<typeof Health>;

/** The site as a whole: its snapshot, health, history, and the zones devices are placed in. */
export const SITE_METHODS = {
  'site.snapshot': method(ALL_ROLES, Empty, Snapshot, READ),
  'system.health': method(ALL_ROLES, Empty, Health, READ),
  'history.query': method(
    ALL_ROLES,
    z
      .object({
        entityId: z.string().max(200),
        from: z.number(),
        to: z.number(),
        resolution: Resolution.default('auto'),
        /** the chart's width in points, used by 'auto' to pick a resolution */
        maxPoints: z.number().int().min(10).max(20_000).default(1000),
      })
      .strict(),
    z.object({ resolution: Resolution, points: z.array(HistoryPoint) }),
    READ,
  ),

  'zone.create': method(
    COMMISSIONERS,
    z.object({ name: DisplayName(80), kind: ZoneKind, parentId: z.string().nullable() }).strict(),
    Zone,
  ),
  'zone.update': method(
    COMMISSIONERS,
    z
      .object({
        zoneId: z.string().max(200),
        name: DisplayName(80).optional(),
        parentId: z.string().nullable().optional(),
      })
      .strict(),
    Zone,
  ),
  'zone.delete': method(COMMISSIONERS, z.object({ zoneId: z.string().max(200) }).strict(), Ok),
} as const;
