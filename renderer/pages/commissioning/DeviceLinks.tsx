import { useState } from 'react';
import type { SiteState } from '../../store/site-store.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';

/**
 * Direct links in the mesh: bind this switch to a light (or a group) so it works with Truss
 * down, and put this device into or out of a group.
 */
export function DeviceLinks({ site, deviceId }: { site: SiteState; deviceId: string }) {
  const session = useSessionObject();
  // links stay inside one family's network
  const family = site.devices[deviceId]?.adapter;
  const others = Object.values(site.devices).filter((d) => d.adapter === family && d.id !== deviceId);
  const [target, setTarget] = useState('');
  const [groupId, setGroupId] = useState('1');
  const [message, setMessage] = useState<string | null>(null);
  const group = Number(groupId);
  // the family checks its own range (Zigbee reserves 0xFFF8-0xFFFF) and says so
  const groupValid = Number.isInteger(group) && group >= 1 && group <= 0xffff;

  const bind = useAction(async (unbind: boolean) => {
    setMessage(null);
    const to = target.startsWith('group:')
      ? { groupId: Number(target.slice(6)) }
      : { targetDeviceId: target };
    await session.call('device.links.bind', {
      deviceId,
      ...to,
      functions: ['on_off', 'level'],
      unbind,
    });
    const name = target.startsWith('group:') ? `group ${target.slice(6)}` : site.devices[target]?.name;
    setMessage(unbind ? `Unbound from ${name}.` : `Bound to ${name}: it now works without Truss.`);
  });
  const membership = useAction(async (member: boolean) => {
    setMessage(null);
    await session.call('device.links.group', { deviceId, groupId: group, member });
    setMessage(member ? `Added to group ${group}.` : `Removed from group ${group}.`);
  });

  return (
    <div className="stack" data-testid="device-links">
      <h4>Bindings and groups</h4>
      <div className="row">
        <label>
          Bind on/off and dimming to{' '}
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="links-bind-target">
            <option value="">choose…</option>
            {others.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
            {groupValid ? <option value={`group:${group}`}>group {group}</option> : null}
          </select>
        </label>
        <button type="button" disabled={!target || bind.busy} onClick={() => void bind.run(false)}>
          Bind
        </button>
        <button type="button" disabled={!target || bind.busy} onClick={() => void bind.run(true)}>
          Unbind
        </button>
      </div>
      <ErrorText error={bind.error} testId="links-bind-error" />
      <div className="row">
        <label>
          Group{' '}
          <input
            type="number"
            min={1}
            max={0xffff}
            value={groupId}
            onChange={(e) => setGroupId(e.target.value)}
            data-testid="links-group-id"
          />
        </label>
        <button
          type="button"
          disabled={!groupValid || membership.busy}
          onClick={() => void membership.run(true)}
        >
          Add to group
        </button>
        <button
          type="button"
          disabled={!groupValid || membership.busy}
          onClick={() => void membership.run(false)}
        >
          Remove from group
        </button>
      </div>
      <ErrorText error={membership.error} testId="links-group-error" />
      {message ? <p data-testid="device-links-message">{message}</p> : null}
    </div>
  );
}
