import type { Entity } from '../../../shared/domain/entity.ts';
import type { SiteState } from '../../store/site-store.ts';

/** Entities by name with their device, so nobody types an id; a missing id stays visible as such. */
export function EntityPicker({
  site,
  value,
  onChange,
  filter,
  testId,
}: {
  site: SiteState;
  value: string;
  onChange: (id: string) => void;
  filter?: (e: Entity) => boolean;
  testId: string;
}) {
  const options = Object.values(site.entities)
    .filter((e) => !filter || filter(e))
    .map((e) => ({ id: e.id, label: `${site.devices[e.deviceId]?.name ?? e.deviceId} · ${e.name}` }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const missing = value !== '' && !site.entities[value];
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">— pick an entity —</option>
      {missing ? <option value={value}>{value} (removed)</option> : null}
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

export function DevicePicker({
  site,
  value,
  onChange,
  testId,
}: {
  site: SiteState;
  value: string;
  onChange: (id: string) => void;
  testId: string;
}) {
  const devices = Object.values(site.devices).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">— pick a device —</option>
      {devices.map((d) => (
        <option key={d.id} value={d.id}>
          {d.name}
        </option>
      ))}
    </select>
  );
}

export function ZonePicker({
  site,
  value,
  onChange,
  testId,
}: {
  site: SiteState;
  value: string;
  onChange: (id: string) => void;
  testId: string;
}) {
  const zones = Object.values(site.zones).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">— pick a zone —</option>
      {zones.map((z) => (
        <option key={z.id} value={z.id}>
          {z.name} ({z.kind})
        </option>
      ))}
    </select>
  );
}

/** A scalar typed as text: "true"/"false" become booleans, numbers numbers, the rest stays text. */
export function parseScalar(text: string): string | number | boolean | null {
  const t = text.trim();
  if (t === 'true' || t === 'on') return true;
  if (t === 'false' || t === 'off') return false;
  if (t === '' || t === 'null') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export function scalarText(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}
