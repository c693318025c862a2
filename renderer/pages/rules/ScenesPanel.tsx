import { useEffect, useState } from 'react';
import type { Scene } from '../../../shared/rules/scene.ts';
import { useSessionObject } from '../../store/context.ts';
import type { SiteState } from '../../store/site-store.ts';
import { isControllable } from '../../lib/site-model.ts';
import { useAction } from '../../lib/use-action.ts';
import { ErrorText, FieldError } from '../../components/ErrorText.tsx';

/** Scenes: capture the current states of chosen entities, tune per-entity transitions, apply. */
export function ScenesPanel({ site, canEdit }: { site: SiteState; canEdit: boolean }) {
  const session = useSessionObject();
  const [scenes, setScenes] = useState<Scene[]>([]);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const load = useAction(async () => setScenes(await session.call('scenes.list', {})));
  const act = useAction(async (fn: () => Promise<unknown>) => {
    await fn();
    await load.run();
  });
  const reload = load.run;
  useEffect(() => {
    void reload();
  }, [reload]);
  const controllable = Object.values(site.entities).filter(isControllable);
  const capture = () =>
    act.run(async () => {
      const id =
        name
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9_-]+/g, '-')
          .replace(/^-+|-+$/g, '')
          .slice(0, 60) || `scene-${Date.now().toString(36)}`;
      const r = await session.call('scenes.capture', { sceneId: id, name, entityIds: picked });
      setNote(r.skipped.length ? `Skipped: ${r.skipped.join('; ')}` : null);
      setName('');
      setPicked([]);
    });
  const setTransition = (scene: Scene, i: number, transitionS: number) =>
    act.run(() =>
      session.call('scenes.save', {
        scene: { ...scene, entries: scene.entries.map((e, j) => (j === i ? { ...e, transitionS } : e)) },
      }),
    );
  return (
    <div className="stack" data-testid="scenes-panel">
      <ErrorText error={load.error ?? act.error} />
      {canEdit ? (
        <section className="card">
          <h3>Capture a scene from the current states</h3>
          <div className="rf-row">
            <label className="rf-field">
              <span className="rf-label">Name</span>
              <input value={name} onChange={(e) => setName(e.target.value)} data-testid="scene-name" />
              <FieldError error={act.error} path="name" />
            </label>
            <label className="rf-field">
              <span className="rf-label">Entities</span>
              <select
                multiple
                size={6}
                value={picked}
                onChange={(e) => setPicked([...e.target.selectedOptions].map((o) => o.value))}
                data-testid="scene-entities"
              >
                {controllable.map((e) => (
                  <option key={e.id} value={e.id}>
                    {site.devices[e.deviceId]?.name ?? e.deviceId} · {e.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!name.trim() || picked.length === 0 || act.busy}
            onClick={() => void capture()}
            data-testid="scene-capture"
          >
            Capture
          </button>
          {note ? <p className="muted small">{note}</p> : null}
        </section>
      ) : null}
      {scenes.length === 0 ? <p className="empty">No scenes yet.</p> : null}
      {scenes.map((s) => (
        <section className="card" key={s.id} data-testid={`scene-${s.id}`}>
          <div className="card-head">
            <h3>{s.name}</h3>
            <span className="spacer" />
            {canEdit ? (
              <>
                <button
                  type="button"
                  className="btn btn-sm btn-primary"
                  onClick={() => void act.run(() => session.call('scenes.apply', { sceneId: s.id }))}
                >
                  Apply
                </button>
                <button
                  type="button"
                  className="btn btn-sm btn-danger"
                  onClick={() => void act.run(() => session.call('scenes.delete', { sceneId: s.id }))}
                >
                  Delete
                </button>
              </>
            ) : null}
          </div>
          <table className="table">
            <tbody>
              {s.entries.map((e, i) => (
                <tr key={i}>
                  <td>{site.entities[e.entityId]?.name ?? `${e.entityId} (removed)`}</td>
                  <td className="mono small">{JSON.stringify(e.command)}</td>
                  <td className="right">
                    <label className="small">
                      transition{' '}
                      <input
                        type="number"
                        min={0}
                        max={3600}
                        defaultValue={e.transitionS}
                        disabled={!canEdit}
                        onBlur={(ev) => {
                          const v = Number(ev.target.value);
                          if (Number.isFinite(v) && v !== e.transitionS) void setTransition(s, i, v);
                        }}
                        style={{ width: '5em' }}
                      />{' '}
                      s
                    </label>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
