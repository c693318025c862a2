import { useMemo } from 'react';
import type { Device } from '../../shared/domain/device.ts';
import type { Entity } from '../../shared/domain/entity.ts';
import type { SiteState } from '../store/site-store.ts';
import { entitiesByDevice, shortEntityName, siteSummary, zoneTree } from '../lib/site-model.ts';
import type { ZoneNode } from '../lib/site-model.ts';
import { formatNumber } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { EntityValue } from '../components/EntityValue.tsx';

function kw(w: number | null): string {
  if (w === null) return '—';
  return Math.abs(w) >= 1000 ? formatNumber(w / 1000, 'kW') : formatNumber(w, 'W');
}

function SummaryTile(props: { label: string; value: string; sub?: string; testId: string }) {
  return (
    <div className="tile" data-testid={props.testId}>
      <div className="tile-label">{props.label}</div>
      <div className="tile-value">{props.value}</div>
      {props.sub ? <div className="tile-sub">{props.sub}</div> : null}
    </div>
  );
}

const HIDDEN_KINDS = new Set<Entity['kind']>(['event']);

type Headline = { key: string; label: string; text: string };

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The figures a building manager scans a room for: climate, air, presence, load. */
function roomHeadline(entities: Entity[], site: SiteState): Headline[] {
  const nums = (cls: string) =>
    entities
      .filter((e) => e.kind === 'sensor' && e.deviceClass === cls)
      .map((e) => site.states[e.id])
      .map((st) => (st && typeof st.value === 'number' && st.quality !== 'bad' ? st.value : null))
      .filter((v): v is number => v !== null);
  const out: Headline[] = [];
  const t = mean(nums('temperature'));
  if (t !== null) out.push({ key: 'temperature', label: 'Temp.', text: formatNumber(t, '°C') });
  const climate = entities.find((e) => e.kind === 'climate');
  const cv = climate ? site.states[climate.id]?.value : undefined;
  if (cv && typeof cv === 'object' && typeof cv.setpoint === 'number') {
    out.push({ key: 'setpoint', label: 'Setpoint', text: formatNumber(cv.setpoint, '°C') });
  }
  const h = mean(nums('humidity'));
  if (h !== null) out.push({ key: 'humidity', label: 'RH', text: formatNumber(h, '%') });
  const co2 = mean(nums('carbon_dioxide'));
  if (co2 !== null) out.push({ key: 'co2', label: 'CO₂', text: formatNumber(co2, 'ppm') });
  const occ = entities.filter((e) => e.kind === 'binary_sensor' && e.deviceClass === 'occupancy');
  if (occ.length > 0) {
    const any = occ.some((e) => site.states[e.id]?.value === true);
    out.push({ key: 'occupancy', label: 'Presence', text: any ? 'Occupied' : 'Clear' });
  }
  const power = nums('power');
  if (power.length > 0) {
    const w = power.reduce((a, b) => a + b, 0);
    out.push({ key: 'power', label: 'Load', text: kw(w) });
  }
  return out;
}

function RoomCard(props: {
  title: string;
  devices: Device[];
  byDevice: Map<string, Entity[]>;
  site: SiteState;
  testId: string;
  headline?: boolean;
}) {
  const { site, byDevice } = props;
  const all = props.devices.flatMap((d) => byDevice.get(d.id) ?? []);
  const headline = props.headline === false ? [] : roomHeadline(all, site);
  const offline = props.devices.filter((d) => d.availability === 'offline').length;
  return (
    <section className="card room" data-testid={props.testId}>
      <header className="card-head">
        <h3>{props.title}</h3>
        <span className="muted small">
          {props.devices.length} device{props.devices.length === 1 ? '' : 's'}
          {offline > 0 ? <span className="badge badge-bad"> {offline} offline</span> : null}
        </span>
      </header>
      {headline.length > 0 ? (
        <div className="headline">
          {headline.map((h) => (
            <div key={h.key} className="hl" data-testid={`${props.testId}-${h.key}`}>
              <div className="hl-label">{h.label}</div>
              <div className="hl-value">{h.text}</div>
            </div>
          ))}
        </div>
      ) : null}
      {props.devices.length === 0 ? <p className="muted small">No devices here yet.</p> : null}
      <ul className="room-devices">
        {props.devices.map((d) => (
          <li key={d.id} className={d.availability === 'offline' ? 'is-offline' : ''}>
            <a href={href({ page: 'device', deviceId: d.id })} className="rd-name">
              <span className={`dot-sm av-${d.availability}`} aria-label={d.availability} />
              {d.name}
            </a>
            <span className="rd-values">
              {(byDevice.get(d.id) ?? [])
                .filter((e) => !HIDDEN_KINDS.has(e.kind))
                .map((e) => (
                  <span key={e.id} className="chip" title={e.name}>
                    <span className="chip-label">{shortEntityName(e, d.name)}</span>
                    <EntityValue entity={e} state={site.states[e.id]} />
                  </span>
                ))}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ZoneSection(props: { node: ZoneNode; byDevice: Map<string, Entity[]>; site: SiteState }) {
  const { node } = props;
  if (node.zone.kind === 'room') {
    return (
      <RoomCard
        title={node.zone.name}
        devices={node.devices}
        byDevice={props.byDevice}
        site={props.site}
        testId={`zone-card-${node.zone.id}`}
      />
    );
  }
  const rooms = node.children.filter((c) => c.zone.kind === 'room');
  const groups = node.children.filter((c) => c.zone.kind !== 'room');
  return (
    <section className={`zone-group zone-${node.zone.kind}`} data-testid={`zone-group-${node.zone.id}`}>
      <h2 className={`zone-title zt-${node.zone.kind}`}>
        {node.zone.name} <span className="muted small">{node.zone.kind}</span>
      </h2>
      <div className="grid">
        {node.devices.length > 0 ? (
          <RoomCard
            title={`${node.zone.name} (whole ${node.zone.kind})`}
            devices={node.devices}
            byDevice={props.byDevice}
            site={props.site}
            testId={`zone-card-${node.zone.id}`}
            headline={false}
          />
        ) : null}
        {rooms.map((r) => (
          <ZoneSection key={r.zone.id} node={r} byDevice={props.byDevice} site={props.site} />
        ))}
      </div>
      {groups.map((g) => (
        <ZoneSection key={g.zone.id} node={g} byDevice={props.byDevice} site={props.site} />
      ))}
    </section>
  );
}

export function OverviewPage({ site }: { site: SiteState }) {
  const byDevice = useMemo(() => entitiesByDevice(site), [site]);
  const tree = useMemo(() => zoneTree(site), [site]);
  const summary = useMemo(() => siteSummary(site, byDevice), [site, byDevice]);
  const unassigned = useMemo(
    () =>
      Object.values(site.devices)
        .filter((d) => !d.zoneId || !site.zones[d.zoneId])
        .sort((a, b) => a.name.localeCompare(b.name)),
    [site],
  );
  const offline = summary.devicesTotal - summary.devicesOnline;
  return (
    <div className="page" data-testid="overview-page">
      <div className="page-head">
        <h1>Overview</h1>
      </div>
      <div className="tiles" data-testid="site-summary">
        <SummaryTile
          label="Grid (main meter)"
          value={kw(summary.gridPowerW)}
          sub={summary.gridPowerW !== null && summary.gridPowerW < 0 ? 'exporting' : 'import'}
          testId="summary-grid"
        />
        <SummaryTile label="PV production" value={kw(summary.pvPowerW)} testId="summary-pv" />
        <SummaryTile
          label="Devices online"
          value={`${summary.devicesOnline} / ${summary.devicesTotal}`}
          sub={offline > 0 ? `${offline} offline` : 'all reachable'}
          testId="summary-devices"
        />
        <SummaryTile label="Zones" value={String(Object.keys(site.zones).length)} testId="summary-zones" />
      </div>
      {tree.map((n) => (
        <ZoneSection key={n.zone.id} node={n} byDevice={byDevice} site={site} />
      ))}
      {unassigned.length > 0 ? (
        <section className="zone-group">
          <h2 className="zone-title">Not assigned to a zone</h2>
          <div className="grid">
            <RoomCard
              title="Unassigned devices"
              devices={unassigned}
              byDevice={byDevice}
              site={site}
              testId="zone-card-unassigned"
              headline={false}
            />
          </div>
        </section>
      ) : null}
      {site.loaded && summary.devicesTotal === 0 ? (
        <p className="empty">No devices yet. Devices appear here as soon as they announce themselves.</p>
      ) : null}
    </div>
  );
}
