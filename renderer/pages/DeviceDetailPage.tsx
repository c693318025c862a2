import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import type { PublicUser } from '../../shared/domain/user.ts';
import { METHODS, roleAllows } from '../../shared/api/methods.ts';
import type { SiteState } from '../store/site-store.ts';
import { useSessionObject } from '../store/context.ts';
import {
  entitiesByDevice,
  isChartable,
  isControllable,
  shortEntityName,
  zonePath,
} from '../lib/site-model.ts';
import { href } from '../lib/router.ts';
import { useAction } from '../lib/use-action.ts';
import { useNow } from '../lib/use-now.ts';
import { formatDateTime } from '../lib/format.ts';
import { EntityValue } from '../components/EntityValue.tsx';
import { EntityControl, ModeSelect } from '../components/EntityControl.tsx';
import { Availability } from '../components/Availability.tsx';
import { HistoryChart, RANGES } from '../components/HistoryChart.tsx';
import type { RangeKey } from '../components/HistoryChart.tsx';
import { ErrorText, FieldError } from '../components/ErrorText.tsx';
import { useAdapters } from '../store/adapters-store.ts';
import { DeviceLinks } from './commissioning/DeviceLinks.tsx';
import { FirmwareUpdate } from './commissioning/FirmwareUpdate.tsx';
import { DeviceAccessPanel } from './commissioning/DeviceAccessPanel.tsx';

type Props = { site: SiteState; deviceId: string; user: PublicUser; canControl: boolean };

export function DeviceDetailPage({ site, deviceId, user, canControl }: Props) {
  const device = site.devices[deviceId];
  const now = useNow();
  const [range, setRange] = useState<RangeKey>('1h');
  const entities = useMemo(() => entitiesByDevice(site).get(deviceId) ?? [], [site, deviceId]);
  const canCommission = roleAllows(METHODS['device.update'].access, user.role);
  const adapters = useAdapters(useSessionObject());
  const family = device ? adapters?.[device.adapter] : undefined;

  if (!device) {
    return (
      <div className="page" data-testid="device-detail-missing">
        <p className="empty">
          {site.loaded ? 'This device does not exist (any more).' : 'Loading…'}{' '}
          <a href={href({ page: 'devices' })}>Back to devices</a>
        </p>
      </div>
    );
  }
  const chartable = entities.filter(isChartable);
  return (
    <div className="page" data-testid="device-detail">
      <div className="crumbs">
        <a href={href({ page: 'devices' })}>Devices</a> › {device.name}
      </div>
      <div className="page-head">
        <h1 data-testid="device-title">{device.name}</h1>
        <Availability device={device} now={now} />
      </div>
      <div className="detail-grid">
        <section className="card">
          <h3>Device</h3>
          <table className="kv">
            <tbody>
              <tr>
                <th>Zone</th>
                <td data-testid="device-zone">{zonePath(site, device.zoneId) || '—'}</td>
              </tr>
              <tr>
                <th>Model</th>
                <td>{[device.manufacturer, device.model].filter(Boolean).join(' ') || '—'}</td>
              </tr>
              <tr>
                <th>Firmware</th>
                <td>{device.swVersion ?? '—'}</td>
              </tr>
              <tr>
                <th>Adapter</th>
                <td>
                  {device.adapter} <span className="muted small mono">{device.address}</span>
                </td>
              </tr>
              <tr>
                <th>Added</th>
                <td>{formatDateTime(device.createdAt)}</td>
              </tr>
            </tbody>
          </table>
          {canCommission ? <CommissionForm site={site} deviceId={device.id} /> : null}
        </section>
        <section className="card">
          <h3>Entities</h3>
          <table className="table compact" data-testid="entity-table">
            <tbody>
              {entities.map((e) => (
                <tr key={e.id} data-testid={`entity-row-${e.id}`}>
                  <td>
                    {shortEntityName(e, device.name)}
                    <div className="muted small">{[e.kind, e.deviceClass].filter(Boolean).join(' · ')}</div>
                  </td>
                  <td>
                    <EntityValue entity={e} state={site.states[e.id]} />
                  </td>
                  <td>
                    {isControllable(e) ? (
                      <EntityControl entity={e} state={site.states[e.id]} canControl={canControl} />
                    ) : null}
                    {e.kind === 'climate' ? (
                      <ModeSelect entity={e} state={site.states[e.id]} canControl={canControl} />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      {canCommission &&
      family &&
      (family.capabilities.firmware || family.capabilities.links || family.capabilities.access) ? (
        <section className="card" data-testid="device-maintenance">
          <h3>{family.name} maintenance</h3>
          {family.capabilities.firmware ? <FirmwareUpdate deviceId={device.id} /> : null}
          {family.capabilities.links ? <DeviceLinks site={site} deviceId={device.id} /> : null}
          {family.capabilities.access ? <DeviceAccessPanel deviceId={device.id} /> : null}
        </section>
      ) : null}
      {chartable.length > 0 ? (
        <section className="history">
          <div className="page-head">
            <h2>History</h2>
            <div className="segmented" role="group" aria-label="Time range">
              {(Object.keys(RANGES) as RangeKey[]).map((k) => (
                <button
                  key={k}
                  type="button"
                  className={range === k ? 'active' : ''}
                  aria-pressed={range === k}
                  data-testid={`range-${k}`}
                  onClick={() => setRange(k)}
                >
                  {RANGES[k].label}
                </button>
              ))}
            </div>
          </div>
          <div className="charts">
            {chartable.map((e) => (
              <section key={e.id} className="card">
                <h3>
                  {shortEntityName(e, device.name)}{' '}
                  {e.unit ? <span className="muted small">({e.unit})</span> : null}
                </h3>
                <HistoryChart entity={e} range={range} />
              </section>
            ))}
          </div>
        </section>
      ) : null}
    </div>
  );
}

/** Rename and zone assignment: what an installer does for every device at commissioning. */
function CommissionForm({ site, deviceId }: { site: SiteState; deviceId: string }) {
  const session = useSessionObject();
  const device = site.devices[deviceId]!;
  const [name, setName] = useState(device.name);
  const [zoneId, setZoneId] = useState(device.zoneId ?? '');
  const [saved, setSaved] = useState(false);
  const action = useAction(async () => {
    setSaved(false);
    await session.call('device.update', { deviceId, name, zoneId: zoneId === '' ? null : zoneId });
    setSaved(true);
  });
  const zones = useMemo(
    () =>
      Object.values(site.zones)
        .filter((z) => z.kind !== 'site')
        .map((z) => ({ id: z.id, label: zonePath(site, z.id) || z.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [site],
  );
  const dirty = name !== device.name || zoneId !== (device.zoneId ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };
  return (
    <form className="inline-form" onSubmit={submit} data-testid="commission-form">
      <label>
        Name
        <input
          data-testid="device-name-input"
          value={name}
          maxLength={80}
          onChange={(e) => {
            setName(e.currentTarget.value);
            setSaved(false);
          }}
        />
        <FieldError error={action.error} path="name" />
      </label>
      <label>
        Zone
        <select
          data-testid="device-zone-select"
          value={zoneId}
          onChange={(e) => {
            setZoneId(e.currentTarget.value);
            setSaved(false);
          }}
        >
          <option value="">— none —</option>
          {zones.map((z) => (
            <option key={z.id} value={z.id}>
              {z.label}
            </option>
          ))}
        </select>
        <FieldError error={action.error} path="zoneId" />
      </label>
      <div className="form-actions">
        <button
          className="btn btn-primary"
          type="submit"
          disabled={!dirty || action.busy}
          data-testid="device-save"
        >
          {action.busy ? 'Saving…' : 'Save'}
        </button>
        {saved && !dirty ? (
          <span className="ok-text" data-testid="device-saved">
            Saved
          </span>
        ) : null}
      </div>
      <ErrorText error={action.error} testId="device-save-error" />
    </form>
  );
}
