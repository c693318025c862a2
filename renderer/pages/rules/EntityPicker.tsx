import type { Entity } from '../../../shared/domain/entity.ts';
import type { SiteState } from '../../store/site-store.ts';

type PickerProps = { site: SiteState; value: string; onChange: (id: string) => void; testId: string };

/** One select over named ids; an id that no longer exists stays visible as "(removed)" instead of vanishing. */
function IdSelect(props: {
  value: string;
  onChange: (id: string) => void;
  testId: string;
  placeholder: string;
  options: { id: string; label: string }[];
}) {
  const { value, onChange, testId, placeholder, options } = props;
  const missing = value !== '' && !options.some((o) => o.id === value);
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">{placeholder}</option>
      {missing ? <option value={value}>{value} (removed)</option> : null}
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

const byLabel = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label);

/** Entities by name with their device, so nobody types an id. */
export function EntityPicker({ site, filter, ...rest }: PickerProps & { filter?: (e: Entity) => boolean }) {
  const options = Object.values(site.entities)
    .filter((e) => !filter || filter(e))
    .map((e) => ({ id: e.id, label: `${site.devices[e.deviceId]?.name ?? e.deviceId} · ${e.name}` }))
    .sort(byLabel);
  return <IdSelect {...rest} placeholder="— pick an entity —" options={options} />;
}

export function DevicePicker({ site, ...rest }: PickerProps) {
  const options = Object.values(site.devices)
    .map((d) => ({ id: d.id, label: d.name }))
    .sort(byLabel);
  return <IdSelect {...rest} placeholder="— pick a device —" options={options} />;
}

export function ZonePicker({ site, ...rest }: PickerProps) {
  const options = Object.values(site.zones)
    .map((z) => ({ id: z.id, label: `${z.name} (${z.kind})` }))
    .sort(byLabel);
  return <IdSelect {...rest} placeholder="— pick a zone —" options={options} />;
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
