import type { CommissioningCandidate } from '../../shared/adapter/contract.ts';
import type { BleDeviceSnapshot } from './bluez/bluez-watcher.ts';
import type { ParseResult } from './measurement.ts';

export const BINDKEY_LABEL = 'Bindkey (32 hex characters)';

/** What the installer sees for one device heard during a scan. */
export function toCandidate(
  dev: BleDeviceSnapshot,
  result: ParseResult | null,
  gattProfiles: string[],
  now: number,
): CommissioningCandidate {
  const detail: CommissioningCandidate['detail'] = {
    mac: dev.mac,
    rssi: dev.rssi,
    format: result ? result.format : gattProfiles.length > 0 ? 'gatt' : 'unknown',
  };
  if (gattProfiles.length > 0) detail.services = gattProfiles.join(', ');
  if (result?.ok) {
    detail.encrypted = result.encrypted;
    for (const m of result.measurements) detail[m.key] = m.unit ? `${m.value} ${m.unit}` : m.value;
  } else if (result) {
    detail.encrypted = result.needsKey;
    if (!result.needsKey) detail.problem = result.reason;
  }
  const needsKey = result !== null && !result.ok && result.needsKey;
  return {
    id: dev.mac,
    address: dev.mac,
    label: dev.name ? `${dev.name} (${dev.mac})` : dev.mac,
    status: 'discovered',
    error: null,
    detail,
    secret: needsKey || (result?.ok && result.encrypted) ? { required: true, label: BINDKEY_LABEL } : null,
    lastSeen: now,
  };
}
