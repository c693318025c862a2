import type { Device } from '../../shared/domain/device.ts';
import { formatAgo } from '../lib/format.ts';

export function Availability({ device, now }: { device: Device; now: number }) {
  const cls =
    device.availability === 'online'
      ? 'badge-ok'
      : device.availability === 'offline'
        ? 'badge-bad'
        : 'badge-unk';
  return (
    <span className="avail">
      <span
        className={`badge ${cls}`}
        data-testid={`availability-${device.id}`}
        data-state={device.availability}
      >
        {device.availability}
      </span>
      <span className="muted small" title={device.lastSeen ? new Date(device.lastSeen).toISOString() : ''}>
        {formatAgo(device.lastSeen, now)}
      </span>
    </span>
  );
}
