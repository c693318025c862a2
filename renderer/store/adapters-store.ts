import { useEffect, useState } from 'react';
import type { AdapterInfo } from '../../shared/api/methods/devices.ts';
import type { Session } from './session.ts';

/**
 * The running device families with their names, commissioning words and capabilities, as the
 * core reports them from each adapter's manifest: pages show what a family offers without
 * knowing any family by name.
 */
export function useAdapters(session: Session): Record<string, AdapterInfo> | null {
  const [adapters, setAdapters] = useState<Record<string, AdapterInfo> | null>(null);
  useEffect(() => {
    let live = true;
    session.call('adapters.list', {}).then(
      (list) => live && setAdapters(Object.fromEntries(list.map((a) => [a.id, a]))),
      () => live && setAdapters({}),
    );
    return () => {
      live = false;
    };
  }, [session]);
  return adapters;
}
