import type { ApiErrorBody, ApiErrorCode } from '../../../shared/api/frames.ts';

/** An error meant for the caller: its code maps to an HTTP status and its message is safe to show. */
export class ApiFailure extends Error {
  readonly code: ApiErrorCode;
  readonly issues: ApiErrorBody['issues'];

  constructor(code: ApiErrorCode, message: string, issues?: ApiErrorBody['issues']) {
    super(message);
    this.name = 'ApiFailure';
    this.code = code;
    this.issues = issues;
  }

  toBody(): ApiErrorBody {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}
