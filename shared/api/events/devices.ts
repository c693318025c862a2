import { z } from 'zod';
import { Candidate } from '../commissioning.ts';

/** Commissioning and device maintenance (firmware) as they happen. */
export const DEVICE_EVENTS = [
  z.object({ type: z.literal('candidate'), adapter: z.string(), candidate: Candidate }),
  z.object({ type: z.literal('candidate.removed'), adapter: z.string(), candidateId: z.string() }),
  z.object({
    type: z.literal('commissioning.window'),
    adapter: z.string(),
    openUntil: z.number().nullable(),
  }),
  z.object({
    type: z.literal('firmware.progress'),
    deviceId: z.string(),
    percent: z.number(),
    remainingS: z.number().nullable(),
  }),
] as const;
