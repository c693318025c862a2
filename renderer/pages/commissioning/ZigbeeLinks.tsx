import { useState } from 'react';
import type { SiteState } from '../../store/site-store.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useAction } from '../../lib/use-action.ts';
import { useSessionObject } from '../../store/context.ts';

/**
 * Direct links in the mesh: bind this switch to a light (or a group) so it works with Truss
 * down, and put this device into or out of a group.
 */
export function ZigbeeLinks({ site, deviceId }: { site: SiteState; deviceId: string }) {
  const session = useSessionObject();
  const others = Object.values(site.devices).filter((d) => d.adapter === 'zigbee' && d.id !== deviceId);
  const [target, setTarget] = useState('');
  const [groupId, setGroupId] = useState('1');
  const [message, setMessage] = useState<string | null>(null);
  const group = Number(groupId);
  const groupValid = Number.isInteger(group) && group >= 1 && group <= 0xfff7;

  const bind = useAction(async (unbind: boolean) => {
    setMessage(null);
    const to = target.startsWith('group:')
      ? { groupId: Number(target.slice(6)) }
      : { targetDeviceId: target };
    await session.call('zigbee.bind', {
      deviceId,
      ...to,
      clusters: ['genOnOff', 'genLevelCtrl'],
      unbind,
    });
    const name = target.startsWith('group:') ? `group ${target.slice(6)}` : site.devices[target]?.name;
    setMessage(unbind ? `Unbound from ${name}.` : `Bound to ${name}: it now works without Truss.`);
  });
  const membership = useAction(async (member: boolean) => {
    setMessage(null);
    await session.call('zigbee.group', { deviceId, groupId: group, member });
    setMessage(member ? `Added to group ${group}.` : `Removed from group ${group}.`);
  });

  return (
    <div className="stack" data-testid="zigbee-links">
      <h4>Bindings and groups</h4>
      <div className="row">
        <label>
          Bind on/off and dimming to{' '}
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="zigbee-bind-target">
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
      <ErrorText error={bind.error} testId="zigbee-bind-error" />
      <div className="row">
        <label>
          Group{' '}
          <input
            type="number"
            min={1}
            max={0xfff7}
            value={groupId}
            onChange={(e) => setGroupId(e.target.value)}
            data-testid="zigbee-group-id"
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
      <ErrorText error={membership.error} testId="zigbee-group-error" />
      {message ? <p data-testid="zigbee-links-message">{message}</p> : null}
    </div>
  );
}
