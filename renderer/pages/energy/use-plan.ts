import { useCallback, useEffect, useState } from 'react';
import type { PlanStatus } from '../../../shared/api/methods/plan.ts';
import type { PlanView } from '../../../shared/energy/plan.ts';
import { useSessionObject } from '../../store/context.ts';

/** The current plan and the planner's status: read once, then again on every `plan.updated`. */
export function usePlan(): {
  plan: PlanView | null;
  status: PlanStatus | null;
  error: string | null;
  set: (r: { plan: PlanView | null; status: PlanStatus }) => void;
  reload: () => void;
} {
  const session = useSessionObject();
  const [plan, setPlan] = useState<PlanView | null>(null);
  const [status, setStatus] = useState<PlanStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = useCallback((r: { plan: PlanView | null; status: PlanStatus }) => {
    setPlan(r.plan);
    setStatus(r.status);
    setError(null);
  }, []);
  const reload = useCallback(() => {
    session
      .call('plan.get', {})
      .then(set)
      .catch((e: Error) => setError(e.message));
  }, [session, set]);
  useEffect(() => {
    reload();
    const off = session.client.onEvent((e) => {
      if (e.type === 'plan.updated') reload();
    });
    return off;
  }, [session, reload]);
  return { plan, status, error, set, reload };
}
