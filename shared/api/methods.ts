import { z } from 'zod';
import { Device } from '../domain/device.ts';
import { Entity, EntityState } from '../domain/entity.ts';
import { EntityCommand } from '../domain/command.ts';
import { Zone, ZoneKind } from '../domain/zone.ts';
import { AuditEntry, Password, PublicUser, Role, Username } from '../domain/user.ts';
import { AutomationBundle, AutomationId, Rule, RuleStatus, Scene, Schedule, Trace } from '../rules/index.ts';
import { CommissioningState, DeviceConnection } from './commissioning.ts';

/**
 * The one contract between the core and any UI. Each method names its params schema (validated
 * in the core), its result schema, and who may call it. 'public' methods need no session.
 */
export type Access = 'public' | 'session' | readonly Role[];

const ALL_ROLES = ['admin', 'installer', 'manager', 'viewer'] as const;
const OPERATORS = ['admin', 'installer', 'manager'] as const;
const COMMISSIONERS = ['admin', 'installer'] as const;
const ADMINS = ['admin'] as const;

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

const Empty = z.object({}).strict();

const Ok = z.object({ ok: z.literal(true) });

/** 4 MB of firmware as base64; larger files are refused before they are decoded */
export const MAX_FIRMWARE_BYTES = 4 * 1024 * 1024;
const FirmwareImage = z
  .string()
  .min(1, 'the firmware file is empty')
  .max(Math.ceil(MAX_FIRMWARE_BYTES / 3) * 4, 'the firmware file is larger than 4 MB')
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'the firmware file must be base64');
export const FirmwareCheck = z.object({
  manufacturerCode: z.number(),
  imageType: z.number(),
  currentVersion: z.number(),
  newVersion: z.number(),
  size: z.number(),
  label: z.string(),
});
export type FirmwareCheck = z.infer<typeof FirmwareCheck>;
const ZigbeeGroupId = z.number().int().min(1).max(0xfff7);
const RuleWithStatus = z.object({ rule: Rule, status: RuleStatus });
export const ReplayResult = z.object({
  from: z.number(),
  to: z.number(),
  commands: z.array(z.object({ at: z.number(), entityId: z.string(), command: EntityCommand })),
  notifications: z.array(z.object({ at: z.number(), message: z.string(), level: z.string() })),
  traces: z.array(Trace),
  events: z.number(),
});
export type ReplayResult = z.infer<typeof ReplayResult>;

function method<P extends z.ZodType, R extends z.ZodType>(access: Access, params: P, result: R) {
  return { access, params, result };
}

export const METHODS = {
  'auth.status': method('public', Empty, z.object({ needsSetup: z.boolean() })),
  'auth.setup': method(
    'public',
    z.object({ username: Username, password: Password }).strict(),
    z.object({ token: z.string(), user: PublicUser }),
  ),
  'auth.login': method(
    'public',
    z.object({ username: z.string().max(64), password: z.string().max(256) }).strict(),
    z.object({ token: z.string(), user: PublicUser }),
  ),
  'auth.logout': method('session', Empty, z.object({ ok: z.literal(true) })),
  'auth.me': method('session', Empty, PublicUser),

  'site.snapshot': method(ALL_ROLES, Empty, Snapshot),
  'system.health': method(ALL_ROLES, Empty, Health),

  'entity.command': method(
    OPERATORS,
    z.object({ entityId: z.string().max(200), command: EntityCommand }).strict(),
    z.object({ ok: z.literal(true) }),
  ),
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
  ),

  'device.update': method(
    COMMISSIONERS,
    z
      .object({
        deviceId: z.string().max(200),
        name: z.string().trim().min(1).max(80).optional(),
        zoneId: z.string().max(200).nullable().optional(),
      })
      .strict(),
    Device,
  ),
  'device.remove': method(
    COMMISSIONERS,
    z.object({ deviceId: z.string().max(200), ban: z.boolean().default(false) }).strict(),
    z.object({ ok: z.literal(true) }),
  ),

  'commissioning.status': method(OPERATORS, Empty, z.array(CommissioningState)),
  /** the site CA that signs the broker's TLS certificate, for devices that pin it (not a secret) */
  'mqtt.caCertificate': method(OPERATORS, Empty, z.object({ pem: z.string() })),
  'commissioning.open': method(
    COMMISSIONERS,
    z
      .object({
        adapter: z.string().max(64),
        seconds: z.number().int().min(1).max(600).default(120),
        /** a router to open the network through, where the family supports it */
        via: z.string().max(200).nullable().default(null),
        /** an install code (or its QR payload) for a device that joins only with one */
        installCode: z.string().trim().min(1).max(200).optional(),
      })
      .strict(),
    z.object({ openUntil: z.number().nullable() }),
  ),
  'commissioning.close': method(
    COMMISSIONERS,
    z.object({ adapter: z.string().max(64) }).strict(),
    z.object({ ok: z.literal(true) }),
  ),
  'commissioning.adopt': method(
    COMMISSIONERS,
    z
      .object({
        adapter: z.string().max(64),
        candidateId: z.string().max(200),
        name: z.string().trim().min(1).max(80).optional(),
        zoneId: z.string().max(200).nullable().optional(),
        /** bindkey / install code, for devices that need one; stored encrypted, never returned */
        secret: z.string().max(512).optional(),
      })
      .strict(),
    /** `connection`: for Wi-Fi (MQTT) devices, the settings to type into the device, shown once */
    Device.extend({ connection: DeviceConnection.optional() }),
  ),
  'commissioning.retry': method(
    COMMISSIONERS,
    z.object({ adapter: z.string().max(64), candidateId: z.string().max(200) }).strict(),
    z.object({ ok: z.literal(true) }),
  ),
  /** the mesh of a family that has one (Zigbee): nodes and links with link quality */
  'network.map': method(
    OPERATORS,
    z.object({ adapter: z.string().max(64) }).strict(),
    z.object({
      nodes: z.array(
        z.object({
          address: z.string(),
          role: z.enum(['coordinator', 'router', 'end_device']),
          label: z.string(),
        }),
      ),
      links: z.array(z.object({ from: z.string(), to: z.string(), quality: z.number() })),
    }),
  ),

  /** Zigbee OTA from a file the installer supplies (base64): checked against the device first */
  'zigbee.ota.check': method(
    COMMISSIONERS,
    z.object({ deviceId: z.string().max(200), image: FirmwareImage }).strict(),
    FirmwareCheck,
  ),
  /** runs to the end (progress as `firmware.progress` events); the outcome lands in the audit log */
  'zigbee.ota.start': method(
    COMMISSIONERS,
    z.object({ deviceId: z.string().max(200), image: FirmwareImage }).strict(),
    FirmwareCheck.extend({ swVersion: z.string().nullable() }),
  ),
  /** a switch's commands go straight to a light or a group, so it works with Truss down */
  'zigbee.bind': method(
    COMMISSIONERS,
    z
      .object({
        deviceId: z.string().max(200),
        targetDeviceId: z.string().max(200).optional(),
        groupId: ZigbeeGroupId.optional(),
        clusters: z
          .array(z.enum(['genOnOff', 'genLevelCtrl', 'lightingColorCtrl', 'genScenes']))
          .min(1)
          .max(4),
        unbind: z.boolean().default(false),
      })
      .strict()
      .refine((p) => (p.targetDeviceId === undefined) !== (p.groupId === undefined), {
        message: 'give either targetDeviceId or groupId',
        path: ['targetDeviceId'],
      }),
    Ok,
  ),
  'zigbee.group': method(
    COMMISSIONERS,
    z.object({ deviceId: z.string().max(200), groupId: ZigbeeGroupId, member: z.boolean() }).strict(),
    Ok,
  ),

  'zone.create': method(
    COMMISSIONERS,
    z
      .object({ name: z.string().trim().min(1).max(80), kind: ZoneKind, parentId: z.string().nullable() })
      .strict(),
    Zone,
  ),
  'zone.update': method(
    COMMISSIONERS,
    z
      .object({
        zoneId: z.string().max(200),
        name: z.string().trim().min(1).max(80).optional(),
        parentId: z.string().nullable().optional(),
      })
      .strict(),
    Zone,
  ),
  'zone.delete': method(
    COMMISSIONERS,
    z.object({ zoneId: z.string().max(200) }).strict(),
    z.object({ ok: z.literal(true) }),
  ),

  'user.list': method(ADMINS, Empty, z.array(PublicUser)),
  'user.create': method(
    ADMINS,
    z.object({ username: Username, password: Password, role: Role }).strict(),
    PublicUser,
  ),
  'user.setRole': method(ADMINS, z.object({ userId: z.string(), role: Role }).strict(), PublicUser),
  'user.delete': method(ADMINS, z.object({ userId: z.string() }).strict(), z.object({ ok: z.literal(true) })),
  'user.changePassword': method(
    'session',
    z.object({ currentPassword: z.string().max(256), newPassword: Password }).strict(),
    z.object({ ok: z.literal(true) }),
  ),

  'audit.list': method(
    ['admin', 'manager'],
    z
      .object({ limit: z.number().int().min(1).max(1000).default(200), before: z.number().optional() })
      .strict(),
    z.array(AuditEntry),
  ),

  'rules.list': method(ALL_ROLES, Empty, z.object({ rules: z.array(Rule), statuses: z.array(RuleStatus) })),
  'rules.get': method(ALL_ROLES, z.object({ ruleId: AutomationId }).strict(), RuleWithStatus),
  'rules.save': method(OPERATORS, z.object({ rule: Rule }).strict(), RuleWithStatus),
  'rules.delete': method(OPERATORS, z.object({ ruleId: AutomationId }).strict(), Ok),
  'rules.enable': method(
    OPERATORS,
    z.object({ ruleId: AutomationId, enabled: z.boolean() }).strict(),
    RuleStatus,
  ),
  'rules.run': method(
    OPERATORS,
    z.object({ ruleId: AutomationId, skipConditions: z.boolean().default(false) }).strict(),
    Trace,
  ),
  'rules.traces': method(
    ALL_ROLES,
    z
      .object({
        ruleId: z.string().max(200),
        limit: z.number().int().min(1).max(500).default(50),
        before: z.number().optional(),
      })
      .strict(),
    z.array(Trace),
  ),
  /** a saved rule by id, or an edited one not yet saved, against recorded history */
  'rules.replay': method(
    ALL_ROLES,
    z
      .object({ ruleId: AutomationId.optional(), rule: Rule.optional(), from: z.number(), to: z.number() })
      .strict()
      .refine((p) => (p.ruleId === undefined) !== (p.rule === undefined), {
        message: 'give either ruleId or rule',
        path: ['ruleId'],
      }),
    ReplayResult,
  ),
  'scenes.list': method(ALL_ROLES, Empty, z.array(Scene)),
  'scenes.save': method(OPERATORS, z.object({ scene: Scene }).strict(), Scene),
  'scenes.delete': method(OPERATORS, z.object({ sceneId: AutomationId }).strict(), Ok),
  'scenes.apply': method(
    OPERATORS,
    z.object({ sceneId: AutomationId }).strict(),
    z.object({ detail: z.string() }),
  ),
  'scenes.capture': method(
    OPERATORS,
    z
      .object({
        sceneId: AutomationId,
        name: z.string().trim().min(1).max(120),
        entityIds: z.array(z.string().max(200)).min(1).max(200),
      })
      .strict(),
    z.object({ scene: Scene, skipped: z.array(z.string()) }),
  ),
  'schedules.list': method(ALL_ROLES, Empty, z.array(Schedule)),
  'schedules.save': method(OPERATORS, z.object({ schedule: Schedule }).strict(), Schedule),
  'schedules.delete': method(OPERATORS, z.object({ scheduleId: AutomationId }).strict(), Ok),
  'automations.export': method(ALL_ROLES, Empty, AutomationBundle),
  'automations.import': method(
    OPERATORS,
    z.object({ bundle: AutomationBundle }).strict(),
    z.object({ rules: z.number(), scenes: z.number(), schedules: z.number(), flagged: z.array(z.string()) }),
  ),
} as const;

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
export type ParamsIn<M extends MethodName> = z.input<Methods[M]['params']>;
export type ParamsOut<M extends MethodName> = z.output<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}

/** True when `role` may call a method with this access rule (a session is assumed present). */
export function roleAllows(access: Access, role: Role): boolean {
  if (access === 'public' || access === 'session') return true;
  return access.includes(role);
}
