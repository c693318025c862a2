import type { ApiError } from '../../shared/api/client.ts';

const CODE_TEXT: Record<string, string> = {
  bad_request: 'Please check the highlighted fields.',
  forbidden: 'Your role does not allow this action.',
  not_found: 'Not found: it may have been removed.',
  conflict: 'This conflicts with existing data.',
  unavailable: 'The controller is not reachable right now.',
  unauthenticated: 'Please sign in again.',
  internal: 'Something went wrong on the controller.',
};

/** A form-level error: the server's message, plus a plain explanation of its code. */
export function ErrorText({ error, testId }: { error: ApiError | null; testId?: string }) {
  if (!error) return null;
  const hint = CODE_TEXT[error.code];
  return (
    <div className="error-box" role="alert" data-testid={testId ?? 'error'} data-code={error.code}>
      <strong>{error.message}</strong>
      {hint ? <span> {hint}</span> : null}
    </div>
  );
}

/** The message for one field, shown under its input. */
export function FieldError({
  error,
  path,
  testId,
}: {
  error: ApiError | null;
  path: string;
  testId?: string;
}) {
  const msg = error?.issueFor(path);
  if (!msg) return null;
  return (
    <div className="field-error" data-testid={testId ?? `field-error-${path}`}>
      {msg}
    </div>
  );
}
