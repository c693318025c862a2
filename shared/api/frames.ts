import { z } from 'zod';
import type { ApiEvent } from './events.ts';
import type { Snapshot } from './methods.ts';

/**
 * The wire protocol: JSON frames, the same over WebSocket (headless) and over a MessagePort
 * (desktop). A client says hello (with its session token), gets a full snapshot, then changes,
 * so a reconnecting UI never shows stale state.
 */
export const MAX_FRAME_BYTES = 256 * 1024;
/**
 * A signed-in caller may send larger frames: a 4 MB firmware image travels as base64 in one call.
 * Anyone else stays at MAX_FRAME_BYTES, so an anonymous client cannot make the core hold megabytes.
 */
export const MAX_AUTHENTICATED_FRAME_BYTES = 6 * 1024 * 1024;

export const ClientFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), token: z.string().max(512).nullable() }),
  z.object({ t: z.literal('call'), id: z.number().int(), method: z.string().max(64), params: z.unknown() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ApiErrorCode = z.enum([
  'bad_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiErrorBody = z.object({
  code: ApiErrorCode,
  message: z.string(),
  /** for bad_request: the field paths that failed validation */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export type ServerFrame =
  | { t: 'welcome'; authenticated: boolean; needsSetup: boolean }
  | { t: 'snapshot'; data: Snapshot }
  | { t: 'evt'; evt: ApiEvent }
  | { t: 'ok'; id: number; result: unknown }
  | { t: 'err'; id: number; error: ApiErrorBody };

/** HTTP status for each error code, for the HTTP transport. */
export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};
