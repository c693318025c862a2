import { useCallback, useEffect, useState } from 'react';
import type { EnergyOverview, LiveBalance } from '../../../shared/api/methods/energy.ts';
import { useSessionObject } from '../../store/context.ts';

/** The live balance: first read, then the core's `energy.balance` events (about once a second). */
export function useLiveBalance(): LiveBalance | null {
  const session = useSessionObject();
  const [balance, setBalance] = useState<LiveBalance | null>(null);
  useEffect(() => {
    let live = true;
    session
      .call('energy.balance', {})
      .then((b) => live && setBalance(b))
      .catch(() => undefined);
    const off = session.client.onEvent((e) => {
      if (e.type === 'energy.balance') setBalance(e.balance);
    });
    return () => {
      live = false;
      off();
    };
  }, [session]);
  return balance;
}

/** Costs, peak and the bill forecast, refreshed every 30 s (they move by the quarter hour). */
export function useOverview(): { overview: EnergyOverview | null; error: string | null; reload: () => void } {
  const session = useSessionObject();
  const [overview, setOverview] = useState<EnergyOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    session
      .call('energy.overview', {})
      .then((o) => {
        setOverview(o);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  }, [session]);
  useEffect(() => {
    reload();
    const t = setInterval(reload, 30_000);
    return () => clearInterval(t);
  }, [reload]);
  return { overview, error, reload };
}
