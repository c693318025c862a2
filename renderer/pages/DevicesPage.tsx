import { useDeferredValue, useMemo, useState } from 'react';
import type { Device } from '../../shared/domain/device.ts';
import type { SiteState } from '../store/site-store.ts';
import { entitiesByDevice, isControllable, shortEntityName, zonePath } from '../lib/site-model.ts';
import { href } from '../lib/router.ts';
import { useNow } from '../lib/use-now.ts';
import { EntityValue } from '../components/EntityValue.tsx';
import { EntityControl } from '../components/EntityControl.tsx';
import { Availability } from '../components/Availability.tsx';

type AvailFilter = 'all' | Device['availability'];

const MAX_VALUES_PER_ROW = 5;

export function DevicesPage({ site, canControl }: { site: SiteState; canControl: boolean }) {
  const [query, setQuery] = useState('');
  const [avail, setAvail] = useState<AvailFilter>('all');
  const [zone, setZone] = useState<string>('');
  const deferredQuery = useDeferredValue(query);
  const now = useNow();
  const byDevice = useMemo(() => entitiesByDevice(site), [site]);

  const rows = useMemo(() => {
    const q = deferredQuery.trim().toLowerCase();
    return Object.values(site.devices)
      .map((d) => ({ d, path: zonePath(site, d.zoneId) }))
      .filter(({ d, path }) => {
        if (avail !== 'all' && d.availability !== avail) return false;
        if (zone === '__none' && d.zoneId) return false;
        if (zone && zone !== '__none' && !isInZone(site, d.zoneId, zone)) return false;
        if (!q) return true;
        const hay = `${d.name} ${path} ${d.model ?? ''} ${d.manufacturer ?? ''} ${d.address} ${d.adapter}`;
        return hay.toLowerCase().includes(q);
      })
      .sort((a, b) => a.path.localeCompare(b.path) || a.d.name.localeCompare(b.d.name));
  }, [site, deferredQuery, avail, zone]);

  const zoneOptions = useMemo(
    () =>
      Object.values(site.zones)
        .filter((z) => z.kind !== 'site')
        .map((z) => ({ id: z.id, label: zonePath(site, z.id) || z.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [site],
  );
  const total = Object.keys(site.devices).length;

  return (
    <div className="page" data-testid="devices-page">
      <div className="page-head">
        <h1>Devices</h1>
        <span className="muted" data-testid="devices-count">
          {rows.length === total ? `${total} devices` : `${rows.length} of ${total} devices`}
        </span>
      </div>
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search name, zone, model, address…"
          aria-label="Search devices"
          data-testid="device-search"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
        />
        <select
          aria-label="Availability"
          data-testid="device-filter-availability"
          value={avail}
          onChange={(e) => setAvail(e.currentTarget.value as AvailFilter)}
        >
          <option value="all">All states</option>
          <option value="online">Online</option>
          <option value="offline">Offline</option>
          <option value="unknown">Unknown</option>
        </select>
        <select
          aria-label="Zone"
          data-testid="device-filter-zone"
          value={zone}
          onChange={(e) => setZone(e.currentTarget.value)}
        >
          <option value="">All zones</option>
          <option value="__none">No zone</option>
          {zoneOptions.map((z) => (
            <option key={z.id} value={z.id}>
              {z.label}
            </option>
          ))}
        </select>
      </div>
      <table className="table" data-testid="devices-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Zone</th>
            <th>Availability</th>
            <th>Live state</th>
            <th>Controls</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ d, path }) => {
            const entities = byDevice.get(d.id) ?? [];
            const values = entities.filter((e) => e.kind !== 'event' && e.kind !== 'switch');
            const controls = entities.filter(isControllable);
            return (
              <tr
                key={d.id}
                data-testid={`device-row-${d.id}`}
                data-name={d.name}
                className={d.availability === 'offline' ? 'is-offline' : ''}
              >
                <td>
                  <a href={href({ page: 'device', deviceId: d.id })} data-testid={`device-link-${d.id}`}>
                    {d.name}
                  </a>
                  <div className="muted small">{[d.manufacturer, d.model].filter(Boolean).join(' ')}</div>
                </td>
                <td>{path || <span className="muted">—</span>}</td>
                <td>
                  <Availability device={d} now={now} />
                </td>
                <td className="values">
                  {values.slice(0, MAX_VALUES_PER_ROW).map((e) => (
                    <span key={e.id} className="chip" title={e.name}>
                      <span className="chip-label">{shortEntityName(e, d.name)}</span>
                      <EntityValue entity={e} state={site.states[e.id]} />
                    </span>
                  ))}
                  {values.length > MAX_VALUES_PER_ROW ? (
                    <span className="muted small">+{values.length - MAX_VALUES_PER_ROW}</span>
                  ) : null}
                </td>
                <td className="controls">
                  {controls.map((e) => (
                    <span key={e.id} className="control-cell">
                      {controls.length > 1 ? <span className="muted small">{e.name}</span> : null}
                      <EntityControl entity={e} state={site.states[e.id]} canControl={canControl} />
                    </span>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 ? (
        <p className="empty" data-testid="devices-empty">
          {total === 0 ? 'No devices yet.' : 'No device matches these filters.'}
        </p>
      ) : null}
    </div>
  );
}

function isInZone(site: SiteState, zoneId: string | null, ancestorId: string): boolean {
  const seen = new Set<string>();
  let id = zoneId;
  while (id && !seen.has(id)) {
    if (id === ancestorId) return true;
    seen.add(id);
    id = site.zones[id]?.parentId ?? null;
  }
  return false;
}
