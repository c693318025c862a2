import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { ApiError } from '../../shared/api/client.ts';

export type ActionState = { busy: boolean; error: ApiError | null };

function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError('internal', e instanceof Error ? e.message : String(e));
}

/** Runs an API call for a button or form: tracks busy, keeps the last error for display. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [state, setState] = useState<ActionState>({ busy: false, error: null });
  const fnRef = useRef(fn);
  useLayoutEffect(() => {
    fnRef.current = fn;
  });
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setState({ busy: true, error: null });
    try {
      const r = await fnRef.current(...args);
      setState({ busy: false, error: null });
      return r;
    } catch (e) {
      setState({ busy: false, error: toApiError(e) });
      return undefined;
    }
  }, []);
  const reset = useCallback(() => setState({ busy: false, error: null }), []);
  return { ...state, run, reset };
}
