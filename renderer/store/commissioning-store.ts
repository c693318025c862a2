import { useEffect, useState } from 'react';
import type { Candidate, CommissioningState } from '../../shared/api/commissioning.ts';
import type { ApiEvent } from '../../shared/api/events.ts';
import type { Session } from './session.ts';

/** Pure reducer: commissioning state per adapter, patched by live events. */
export function applyCommissioningEvent(list: CommissioningState[], e: ApiEvent): CommissioningState[] {
  const patch = (adapter: string, fn: (s: CommissioningState) => CommissioningState) =>
    list.some((s) => s.adapter === adapter)
      ? list.map((s) => (s.adapter === adapter ? fn(s) : s))
      : [...list, fn({ adapter, openUntil: null, candidates: [] })];
  switch (e.type) {
    case 'commissioning.window':
      return patch(e.adapter, (s) => ({ ...s, openUntil: e.openUntil }));
    case 'candidate':
      return patch(e.adapter, (s) => ({
        ...s,
        candidates: s.candidates.some((c) => c.id === e.candidate.id)
          ? s.candidates.map((c) => (c.id === e.candidate.id ? e.candidate : c))
          : [...s.candidates, e.candidate],
      }));
    case 'candidate.removed':
      return patch(e.adapter, (s) => ({
        ...s,
        candidates: s.candidates.filter((c) => c.id !== e.candidateId),
      }));
    default:
      return list;
  }
}

/** Loads the commissioning state once, then follows it live. */
export function useCommissioning(session: Session): {
  states: CommissioningState[] | null;
  error: string | null;
  reload: () => void;
} {
  const [states, setStates] = useState<CommissioningState[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    const pending: ApiEvent[] = [];
    let loaded = false;
    const off = session.client.onEvent((e) => {
      if (!loaded) pending.push(e);
      else setStates((prev) => (prev ? applyCommissioningEvent(prev, e) : prev));
    });
    session.call('commissioning.status', {}).then(
      (s) => {
        if (!live) return;
        loaded = true;
        setStates(pending.reduce(applyCommissioningEvent, s));
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
      off();
    };
  }, [session, generation]);
  return { states, error, reload: () => setGeneration((g) => g + 1) };
}

export function candidateOrder(a: Candidate, b: Candidate): number {
  const rank = (c: Candidate) => (c.status === 'failed' ? 0 : c.status === 'ready' ? 1 : 2);
  return rank(a) - rank(b) || b.lastSeen - a.lastSeen;
}
