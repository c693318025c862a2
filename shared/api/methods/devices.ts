import { z } from 'zod';
import { DisplayName } from '../../domain/safe-text.ts';
import { Device } from '../../domain/device.ts';
import { EntityCommand } from '../../domain/command.ts';
import { CommissioningState, DeviceConnection } from '../commissioning.ts';
import { LINK_FUNCTIONS } from '../../adapter/contract.ts';
import { ALL_ROLES, COMMISSIONERS, method, OPERATORS, READ } from './method.ts';

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
/** a group number; each family checks its own range (Zigbee: 1-0xFFF7) */
const GroupId = z.number().int().min(1).max(0xffff);

/** A device family as the UI needs to know it: names, how it pairs, what it offers, its health. */
export const AdapterInfo = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  commissioning: z
    .object({
      verb: z.string(),
      hint: z.string(),
      preJoinSecret: z.object({ label: z.string(), placeholder: z.string() }).optional(),
    })
    .nullable(),
  capabilities: z.object({ firmware: z.boolean(), links: z.boolean(), networkMap: z.boolean() }),
  health: z.object({ status: z.string(), detail: z.string().nullable() }),
});
export type AdapterInfo = z.infer<typeof AdapterInfo>;

/** Devices: commands, naming and placement, commissioning, and what families offer beyond that. */
export const DEVICE_METHODS = {
  'entity.command': method(
    OPERATORS,
    z.object({ entityId: z.string().max(200), command: EntityCommand }).strict(),
    Ok,
  ),
  'device.update': method(
    COMMISSIONERS,
    z
      .object({
        deviceId: z.string().max(200),
        name: DisplayName(80).optional(),
        zoneId: z.string().max(200).nullable().optional(),
      })
      .strict(),
    Device,
  ),
  'device.remove': method(
    COMMISSIONERS,
    z.object({ deviceId: z.string().max(200), ban: z.boolean().default(false) }).strict(),
    Ok,
  ),

  'commissioning.status': method(OPERATORS, Empty, z.array(CommissioningState), READ),
  /** the site CA that signs the broker's TLS certificate, for devices that pin it (not a secret) */
  'mqtt.caCertificate': method(OPERATORS, Empty, z.object({ pem: z.string() }), READ),
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
  'commissioning.close': method(COMMISSIONERS, z.object({ adapter: z.string().max(64) }).strict(), Ok),
  'commissioning.adopt': method(
    COMMISSIONERS,
    z
      .object({
        adapter: z.string().max(64),
        candidateId: z.string().max(200),
        name: DisplayName(80).optional(),
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
    Ok,
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
    READ,
  ),

  /** the device families running, with what each offers (the UI builds its pages from this) */
  'adapters.list': method(ALL_ROLES, Empty, z.array(AdapterInfo), READ),

  /** a firmware file the installer supplies (base64), checked against the device; sends nothing to it */
  'device.firmware.check': method(
    COMMISSIONERS,
    z.object({ deviceId: z.string().max(200), image: FirmwareImage }).strict(),
    FirmwareCheck,
  ),
  /** runs to the end (progress as `firmware.progress` events); the outcome lands in the audit log */
  'device.firmware.update': method(
    COMMISSIONERS,
    z.object({ deviceId: z.string().max(200), image: FirmwareImage }).strict(),
    FirmwareCheck.extend({ swVersion: z.string().nullable() }),
  ),
  /** a switch's commands go straight to another device or a group, so it works with Truss down */
  'device.links.bind': method(
    COMMISSIONERS,
    z
      .object({
        deviceId: z.string().max(200),
        targetDeviceId: z.string().max(200).optional(),
        groupId: GroupId.optional(),
        functions: z.array(z.enum(LINK_FUNCTIONS)).min(1).max(LINK_FUNCTIONS.length),
        unbind: z.boolean().default(false),
      })
      .strict()
      .refine((p) => (p.targetDeviceId === undefined) !== (p.groupId === undefined), {
        message: 'give either targetDeviceId or groupId',
        path: ['targetDeviceId'],
      }),
    Ok,
  ),
  'device.links.group': method(
    COMMISSIONERS,
    z.object({ deviceId: z.string().max(200), groupId: GroupId, member: z.boolean() }).strict(),
    Ok,
  ),
} as const;
