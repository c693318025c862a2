import { z } from 'zod';

/** A commissioning candidate as the API carries it (mirrors CommissioningCandidate in shared/adapter). */
export const Candidate = z.object({
  id: z.string(),
  address: z.string(),
  label: z.string(),
  status: z.enum(['discovered', 'joining', 'interviewing', 'ready', 'failed']),
  error: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  secret: z.object({ required: z.boolean(), label: z.string() }).nullable(),
  lastSeen: z.number(),
});
export type Candidate = z.infer<typeof Candidate>;

export const CommissioningState = z.object({
  adapter: z.string(),
  openUntil: z.number().nullable(),
  candidates: z.array(Candidate),
});
export type CommissioningState = z.infer<typeof CommissioningState>;

/**
 * What to type into a Wi-Fi device's web page after adopting it (mirrors DeviceConnectionSettings
 * in shared/adapter). Returned once by commissioning.adopt; Truss keeps only the password's hash.
 */
export const DeviceConnection = z.object({
  host: z.string(),
  port: z.number().int(),
  tlsPort: z.number().int().nullable(),
  username: z.string(),
  password: z.string(),
  clientId: z.string(),
  topic: z.string(),
});
export type DeviceConnection = z.infer<typeof DeviceConnection>;
