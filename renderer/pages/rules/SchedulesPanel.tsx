import { useEffect, useState } from 'react';
import type { Schedule } from '../../../shared/rules/schedule.ts';
import { useSessionObject } from '../../store/context.ts';
import type { SiteState } from '../../store/site-store.ts';
import { isControllable } from '../../lib/site-model.ts';
import { useAction } from '../../lib/use-action.ts';
import { ErrorText, FieldError } from '../../components/ErrorText.tsx';
import { EntityPicker, ZonePicker } from './EntityPicker.tsx';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
type Slot = { at: string; value: number | boolean };
type ScheduleDraft = Omit<Schedule, 'week'> & { week: Record<Day, Slot[]> };

function blank(): ScheduleDraft {
  const week = Object.fromEntries(DAYS.map((d) => [d, [] as Slot[]])) as Record<Day, Slot[]>;
  for (const d of ['mon', 'tue', 'wed', 'thu', 'fri'] as const)
    week[d] = [
      { at: '07:00', value: 21 },
      { at: '18:00', value: 17 },
    ];
  return {
    id: `schedule-${Date.now().toString(36)}`,
    name: '',
    zoneId: null,
    entityId: '',
    kind: 'setpoint',
    enabled: true,
    week,
    holidays: [],
  };
}

/** Weekly programmes per zone with holiday exceptions: the week as a grid of time/value slots. */
export function SchedulesPanel({ site, canEdit }: { site: SiteState; canEdit: boolean }) {
  const session = useSessionObject();
  const [list, setList] = useState<Schedule[]>([]);
  const [draft, setDraft] = useState<ScheduleDraft | null>(null);
  const [isNew, setIsNew] = useState(false);
  const load = useAction(async () => setList(await session.call('schedules.list', {})));
  const reload = load.run;
  useEffect(() => {
    void reload();
  }, [reload]);
  const save = useAction(async () => {
    if (!draft) return;
    await session.call('schedules.save', { schedule: draft });
    setDraft(null);
    await reload();
  });
  const remove = useAction(async (id: string) => {
    await session.call('schedules.delete', { scheduleId: id });
    await reload();
  });

  if (draft) {
    const setDay = (d: Day, slots: Slot[]) => setDraft({ ...draft, week: { ...draft.week, [d]: slots } });
    const err = save.error;
    return (
      <section className="card stack" data-testid="schedule-editor">
        <div className="rf-row">
          <label className="rf-field">
            <span className="rf-label">Name</span>
            <input
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              data-testid="schedule-name"
            />
            <FieldError error={err} path="schedule.name" />
          </label>
          <label className="rf-field">
            <span className="rf-label">Id</span>
            <input
              value={draft.id}
              disabled={!isNew}
              onChange={(e) => setDraft({ ...draft, id: e.target.value })}
            />
            <FieldError error={err} path="schedule.id" />
          </label>
          <label className="rf-field">
            <span className="rf-label">Zone</span>
            <ZonePicker
              site={site}
              value={draft.zoneId ?? ''}
              onChange={(z) => setDraft({ ...draft, zoneId: z || null })}
              testId="schedule-zone"
            />
          </label>
          <label className="rf-field">
            <span className="rf-label">Controls</span>
            <EntityPicker
              site={site}
              value={draft.entityId}
              onChange={(entityId) => setDraft({ ...draft, entityId })}
              filter={isControllable}
              testId="schedule-entity"
            />
            <FieldError error={err} path="schedule.entityId" />
          </label>
          <label className="rf-field">
            <span className="rf-label">Kind</span>
            <select
              value={draft.kind}
              onChange={(e) => {
                const kind = e.target.value as Schedule['kind'];
                const conv = (s: Slot): Slot => ({
                  at: s.at,
                  value: kind === 'onoff' ? Boolean(s.value) : typeof s.value === 'number' ? s.value : 20,
                });
                setDraft({
                  ...draft,
                  kind,
                  week: Object.fromEntries(DAYS.map((d) => [d, draft.week[d].map(conv)])) as Record<
                    Day,
                    Slot[]
                  >,
                });
              }}
            >
              <option value="setpoint">setpoint (°C)</option>
              <option value="onoff">on / off</option>
            </select>
          </label>
        </div>
        <table className="table sc-week">
          <tbody>
            {DAYS.map((d) => (
              <tr key={d} data-testid={`schedule-day-${d}`}>
                <th>{d}</th>
                <td>
                  {draft.week[d].map((s, i) => (
                    <span key={i} className="sc-slot">
                      <input
                        type="time"
                        value={s.at}
                        onChange={(e) =>
                          setDay(
                            d,
                            draft.week[d].map((x, j) => (j === i ? { ...x, at: e.target.value } : x)),
                          )
                        }
                      />
                      {draft.kind === 'setpoint' ? (
                        <input
                          type="number"
                          step={0.5}
                          value={typeof s.value === 'number' ? s.value : ''}
                          style={{ width: '5em' }}
                          onChange={(e) =>
                            setDay(
                              d,
                              draft.week[d].map((x, j) =>
                                j === i ? { ...x, value: Number(e.target.value) } : x,
                              ),
                            )
                          }
                        />
                      ) : (
                        <select
                          value={s.value ? 'on' : 'off'}
                          onChange={(e) =>
                            setDay(
                              d,
                              draft.week[d].map((x, j) =>
                                j === i ? { ...x, value: e.target.value === 'on' } : x,
                              ),
                            )
                          }
                        >
                          <option>on</option>
                          <option>off</option>
                        </select>
                      )}
                      <button
                        type="button"
                        className="btn btn-sm"
                        onClick={() =>
                          setDay(
                            d,
                            draft.week[d].filter((_, j) => j !== i),
                          )
                        }
                        aria-label="Remove slot"
                      >
                        ×
                      </button>
                      <FieldError error={err} path={`schedule.week.${d}.${i}.value`} />
                    </span>
                  ))}
                  <button
                    type="button"
                    className="btn btn-sm"
                    onClick={() =>
                      setDay(d, [
                        ...draft.week[d],
                        { at: '12:00', value: draft.kind === 'onoff' ? true : 20 },
                      ])
                    }
                  >
                    + slot
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Holidays</h3>
        {draft.holidays.map((h, i) => (
          <div className="rf-row" key={i}>
            <input
              type="date"
              value={h.from}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  holidays: draft.holidays.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)),
                })
              }
            />
            <input
              type="date"
              value={h.to}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  holidays: draft.holidays.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)),
                })
              }
            />
            <label className="small">
              runs like{' '}
              <select
                value={h.useDay}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    holidays: draft.holidays.map((x, j) =>
                      j === i ? { ...x, useDay: e.target.value as Day } : x,
                    ),
                  })
                }
              >
                {DAYS.map((d) => (
                  <option key={d}>{d}</option>
                ))}
              </select>
            </label>
            <input
              placeholder="note"
              value={h.note}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  holidays: draft.holidays.map((x, j) => (j === i ? { ...x, note: e.target.value } : x)),
                })
              }
            />
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => setDraft({ ...draft, holidays: draft.holidays.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
            <FieldError error={err} path={`schedule.holidays.${i}.to`} />
          </div>
        ))}
        <div>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => {
              const today = new Date().toISOString().slice(0, 10);
              setDraft({
                ...draft,
                holidays: [...draft.holidays, { from: today, to: today, useDay: 'sun', note: '' }],
              });
            }}
          >
            + holiday
          </button>
        </div>
        <ErrorText error={err} />
        <div className="form-actions">
          {canEdit ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void save.run()}
              disabled={save.busy}
              data-testid="schedule-save"
            >
              Save schedule
            </button>
          ) : null}
          <button type="button" className="btn" onClick={() => setDraft(null)}>
            Close
          </button>
        </div>
      </section>
    );
  }
  return (
    <div className="stack" data-testid="schedules-panel">
      <ErrorText error={load.error ?? remove.error} />
      {canEdit ? (
        <div className="toolbar">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setDraft(blank());
              setIsNew(true);
            }}
            data-testid="schedule-new"
          >
            New schedule
          </button>
        </div>
      ) : null}
      {list.length === 0 ? <p className="empty">No schedules yet.</p> : null}
      <table className="table">
        <tbody>
          {list.map((s) => (
            <tr key={s.id}>
              <td>
                <strong>{s.name}</strong>{' '}
                <span className="muted small">{s.zoneId ? site.zones[s.zoneId]?.name : ''}</span>
              </td>
              <td>{site.entities[s.entityId]?.name ?? `${s.entityId} (removed)`}</td>
              <td className="small">{s.holidays.length} holiday exception(s)</td>
              <td className="right">
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() => {
                    setDraft(s as ScheduleDraft);
                    setIsNew(false);
                  }}
                >
                  {canEdit ? 'Edit' : 'View'}
                </button>{' '}
                {canEdit ? (
                  <button
                    type="button"
                    className="btn btn-sm btn-danger"
                    onClick={() => void remove.run(s.id)}
                  >
                    Delete
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
