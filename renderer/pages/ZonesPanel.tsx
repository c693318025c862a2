import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { ZoneKind } from '../../shared/domain/zone.ts';
import type { Zone } from '../../shared/domain/zone.ts';
import { useSessionObject } from '../store/context.ts';
import { useSite } from '../store/site-store.ts';
import { useAction } from '../lib/use-action.ts';
import { zoneTree } from '../lib/site-model.ts';
import type { ZoneNode } from '../lib/site-model.ts';
import { ErrorText, FieldError } from '../components/ErrorText.tsx';

const CHILD_KIND: Record<Zone['kind'], Zone['kind']> = {
  site: 'building',
  building: 'floor',
  floor: 'room',
  room: 'room',
};

function flatten(nodes: ZoneNode[], depth = 0): Array<{ zone: Zone; depth: number; devices: number }> {
  return nodes.flatMap((n) => [
    { zone: n.zone, depth, devices: n.devices.length },
    ...flatten(n.children, depth + 1),
  ]);
}

/** The site's building model: what installers lay out before they place devices in it. */
export function ZonesPanel() {
  const session = useSessionObject();
  const site = useSite(session.site);
  const rows = useMemo(() => flatten(zoneTree(site)), [site]);
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const parent = parentId ? site.zones[parentId] : undefined;
  const [kind, setKind] = useState<Zone['kind'] | ''>('');
  const effectiveKind = kind || (parent ? CHILD_KIND[parent.kind] : 'building');
  const create = useAction(async () => {
    await session.call('zone.create', { name, kind: effectiveKind, parentId: parentId || null });
    setName('');
  });
  const rowAction = useAction((op: () => Promise<unknown>) => op());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  return (
    <div className="stack">
      <section className="card" data-testid="zones-panel">
        <h3>Zones</h3>
        <ErrorText error={rowAction.error} testId="zones-error" />
        <table className="table compact" data-testid="zones-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Devices</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map(({ zone, depth, devices }) => (
              <ZoneRow
                key={zone.id}
                zone={zone}
                depth={depth}
                devices={devices}
                busy={rowAction.busy}
                onRename={(n) =>
                  void rowAction.run(() => session.call('zone.update', { zoneId: zone.id, name: n }))
                }
                onDelete={() => {
                  if (window.confirm(`Delete zone ${zone.name}?`)) {
                    void rowAction.run(() => session.call('zone.delete', { zoneId: zone.id }));
                  }
                }}
              />
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="muted">No zones yet: add the building first.</p> : null}
      </section>
      <section className="card narrow">
        <h3>Add a zone</h3>
        <form onSubmit={submit} noValidate data-testid="zone-create-form">
          <label>
            Inside
            <select
              data-testid="zone-create-parent"
              value={parentId}
              onChange={(e) => {
                setParentId(e.currentTarget.value);
                setKind('');
              }}
            >
              <option value="">— top level —</option>
              {rows.map(({ zone, depth }) => (
                <option key={zone.id} value={zone.id}>
                  {'\u00a0\u00a0'.repeat(depth)}
                  {zone.name} ({zone.kind})
                </option>
              ))}
            </select>
          </label>
          <label>
            Kind
            <select
              data-testid="zone-create-kind"
              value={effectiveKind}
              onChange={(e) => setKind(e.currentTarget.value as Zone['kind'])}
            >
              {ZoneKind.options.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            Name
            <input
              data-testid="zone-create-name"
              value={name}
              maxLength={80}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <FieldError error={create.error} path="name" testId="zone-create-error-name" />
          </label>
          <ErrorText error={create.error} testId="zone-create-error" />
          <button
            className="btn btn-primary"
            type="submit"
            disabled={create.busy}
            data-testid="zone-create-submit"
          >
            Add zone
          </button>
        </form>
      </section>
    </div>
  );
}

function ZoneRow(props: {
  zone: Zone;
  depth: number;
  devices: number;
  busy: boolean;
  onRename: (name: string) => void;
  onDelete: () => void;
}) {
  const { zone } = props;
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <tr data-testid={`zone-row-${zone.name}`}>
      <td>
        <span className="indent" data-depth={props.depth} />
        {draft === null ? (
          zone.name
        ) : (
          <input
            aria-label={`New name for ${zone.name}`}
            data-testid={`zone-rename-input-${zone.name}`}
            value={draft}
            maxLength={80}
            onChange={(e) => setDraft(e.currentTarget.value)}
          />
        )}
      </td>
      <td className="muted">{zone.kind}</td>
      <td>{props.devices}</td>
      <td className="right nowrap">
        {draft === null ? (
          <button
            type="button"
            className="btn btn-sm"
            disabled={props.busy}
            onClick={() => setDraft(zone.name)}
          >
            Rename
          </button>
        ) : (
          <>
            <button
              type="button"
              className="btn btn-sm btn-primary"
              data-testid={`zone-rename-save-${zone.name}`}
              disabled={props.busy}
              onClick={() => {
                props.onRename(draft);
                setDraft(null);
              }}
            >
              Save
            </button>{' '}
            <button type="button" className="btn btn-sm" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </>
        )}{' '}
        <button
          type="button"
          className="btn btn-sm btn-danger"
          data-testid={`zone-delete-${zone.name}`}
          disabled={props.busy}
          onClick={props.onDelete}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}
