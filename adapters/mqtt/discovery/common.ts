import { z } from 'zod';

const Text = z.string().max(256);
const Topic = z.string().min(1).max(256);
/** availability payloads: text, or numbers and booleans taken as text, as HA's cv.string does */
const Payload = z.union([Text, z.number().finite(), z.boolean()]).transform((v) => String(v));

const Identifiers = z
  .union([Text.min(1), z.array(Text.min(1)).min(1).max(16)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

export const DeviceInfo = z.object({
  identifiers: Identifiers.optional(),
  name: Text.nullish(),
  manufacturer: Text.nullish(),
  model: Text.nullish(),
  sw_version: Text.nullish(),
});

const AvailabilityEntry = z.object({
  topic: Topic,
  payload_available: Payload.default('online'),
  payload_not_available: Payload.default('offline'),
  value_template: z.string().max(512).optional(),
});
export type AvailabilityEntry = z.infer<typeof AvailabilityEntry>;

/** The options every component shares. */
export const CommonConfig = z.object({
  unique_id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\w.:@-]+$/, 'unique_id may hold only letters, digits and _ . : @ -'),
  name: Text.nullish(),
  device: DeviceInfo.optional(),
  availability_topic: Topic.optional(),
  payload_available: Payload.default('online'),
  payload_not_available: Payload.default('offline'),
  availability_template: z.string().max(512).optional(),
  availability: z.array(AvailabilityEntry).max(8).optional(),
  availability_mode: z.enum(['all', 'any', 'latest']).default('latest'),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
  retain: z.boolean().default(false),
});
export type CommonConfig = z.infer<typeof CommonConfig>;

export function availabilityEntries(c: CommonConfig): AvailabilityEntry[] {
  const list = [...(c.availability ?? [])];
  if (c.availability_topic) {
    list.push({
      topic: c.availability_topic,
      payload_available: c.payload_available,
      payload_not_available: c.payload_not_available,
      value_template: c.availability_template,
    });
  }
  return list;
}

/** zod issues as one readable line for the log. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
