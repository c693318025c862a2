/**
 * What domain code in the core throws when a request cannot be done for a reason the caller can
 * act on (a missing device, a taken name, a bad value). The API layer maps the code onto its own
 * error and HTTP status; domain code never imports the API (the layer rule in eslint.config.js).
 */
export type CoreErrorCode =
  'bad_request' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'unavailable';

export interface CoreErrorIssue {
  /** the field path, dotted ("rule.triggers.0.entityId") */
  path: string;
  message: string;
}

export class CoreError extends Error {
  readonly code: CoreErrorCode;
  readonly issues: CoreErrorIssue[] | undefined;

  constructor(code: CoreErrorCode, message: string, issues?: CoreErrorIssue[]) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
    this.issues = issues;
  }
}
