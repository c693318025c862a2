import type { ReactNode } from 'react';
import type { ApiError } from '../../../shared/api/client.ts';
import type { EntityCommand } from '../../../shared/domain/command.ts';
import { isControllable } from '../../lib/site-model.ts';
import type { SiteState } from '../../store/site-store.ts';
import { FieldError } from '../../components/ErrorText.tsx';
import { DevicePicker, EntityPicker, parseScalar, scalarText, ZonePicker } from './EntityPicker.tsx';

/** The editor works on plain JSON-shaped drafts; the core's zod schema is the judge on save. */
export type Draft = Record<string, unknown>;

export const TRIGGER_TYPES = [
  'state',
  'threshold',
  'time',
  'cron',
  'sun',
  'availability',
  'button',
  'start',
] as const;
export const CONDITION_TYPES = [
  'state',
  'numeric',
  'time',
  'weekday',
  'zone_occupied',
  'variable',
  'not',
] as const;
export const ACTION_TYPES = [
  'command',
  'scene',
  'delay',
  'wait_for_trigger',
  'notify',
  'set_variable',
  'set_rule_enabled',
] as const;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const COMMANDS: EntityCommand['type'][] = [
  'turn_on',
  'turn_off',
  'toggle',
  'set_level',
  'set_setpoint',
  'set_mode',
];

export function defaultTrigger(type: string): Draft {
  switch (type) {
    case 'state':
      return { type, entityId: '', to: true };
    case 'threshold':
      return { type, entityId: '', above: 25, hysteresis: 0.5 };
    case 'time':
      return { type, at: '07:00' };
    case 'cron':
      return { type, expression: '0 * * * *' };
    case 'sun':
      return { type, event: 'sunset', offsetMin: 0 };
    case 'availability':
      return { type, deviceId: '', to: 'offline', forS: 60 };
    case 'button':
      return { type, entityId: '' };
    default:
      return { type };
  }
}

export function defaultCondition(type: string): Draft {
  switch (type) {
    case 'state':
      return { type, entityId: '', equals: true };
    case 'numeric':
      return { type, entityId: '', below: 100 };
    case 'time':
      return { type, after: '08:00', before: '18:00' };
    case 'weekday':
      return { type, days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
    case 'zone_occupied':
      return { type, zoneId: '', occupied: true };
    case 'variable':
      return { type, name: 'mode', equals: 'home' };
    default:
      return { type: 'not', condition: { type: 'weekday', days: ['sat', 'sun'] } };
  }
}

export function defaultAction(type: string): Draft {
  switch (type) {
    case 'command':
      return { type, entityId: '', command: { type: 'turn_on' } };
    case 'scene':
      return { type, sceneId: '' };
    case 'delay':
      return { type, seconds: 60 };
    case 'wait_for_trigger':
      return { type, trigger: { type: 'state', entityId: '', to: false }, timeoutS: 600 };
    case 'notify':
      return { type, message: '', level: 'info' };
    case 'set_variable':
      return { type, name: 'mode', value: 'home' };
    default:
      return { type: 'set_rule_enabled', ruleId: '', enabled: false };
  }
}

type FieldProps = {
  site: SiteState;
  draft: Draft;
  onChange: (d: Draft) => void;
  path: string;
  error: ApiError | null;
  testId: string;
};

const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const numText = (v: unknown): string => (typeof v === 'number' ? String(v) : '');

function Labelled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="rf-field">
      <span className="rf-label">{label}</span>
      {children}
    </label>
  );
}

/** A labelled number input bound to one draft key, with the field's validation error under it. */
function NumberField(props: {
  label: string;
  value: unknown;
  onChange: (v: number | undefined) => void;
  min?: number;
  testId?: string;
  error?: FieldProps['error'];
  errorPath?: string;
}) {
  return (
    <Labelled label={props.label}>
      <input
        type="number"
        min={props.min}
        value={numText(props.value)}
        onChange={(e) => props.onChange(num(e.target.value))}
        data-testid={props.testId}
      />
      {props.errorPath ? <FieldError error={props.error ?? null} path={props.errorPath} /> : null}
    </Labelled>
  );
}

export function TriggerFields({ site, draft, onChange, path, error, testId }: FieldProps) {
  const set = (patch: Draft) => onChange({ ...draft, ...patch });
  const t = draft.type;
  return (
    <div className="rf-row">
      {t === 'state' || t === 'threshold' || t === 'button' ? (
        <Labelled label="Entity">
          <EntityPicker
            site={site}
            value={str(draft.entityId)}
            onChange={(entityId) => set({ entityId })}
            filter={t === 'button' ? (e) => e.kind === 'event' : undefined}
            testId={`${testId}-entity`}
          />
          <FieldError error={error} path={`${path}.entityId`} />
        </Labelled>
      ) : null}
      {t === 'state' ? (
        <>
          <Labelled label="From (optional)">
            <input
              value={scalarText(draft.from)}
              onChange={(e) => set({ from: e.target.value === '' ? undefined : parseScalar(e.target.value) })}
              data-testid={`${testId}-from`}
            />
          </Labelled>
          <Labelled label="To">
            <input
              value={scalarText(draft.to)}
              onChange={(e) => set({ to: e.target.value === '' ? undefined : parseScalar(e.target.value) })}
              data-testid={`${testId}-to`}
            />
          </Labelled>
        </>
      ) : null}
      {t === 'threshold' ? (
        <>
          <NumberField
            label="Above"
            value={draft.above}
            onChange={(v) => set({ above: v })}
            testId={`${testId}-above`}
            error={error}
            errorPath={`${path}.above`}
          />
          <NumberField label="Below" value={draft.below} onChange={(v) => set({ below: v })} />
          <NumberField label="Hysteresis" value={draft.hysteresis} onChange={(v) => set({ hysteresis: v })} />
        </>
      ) : null}
      {t === 'state' || t === 'threshold' || t === 'availability' ? (
        <NumberField
          label="For (s)"
          value={draft.forS}
          onChange={(v) => set({ forS: v })}
          min={0}
          testId={`${testId}-for`}
          error={error}
          errorPath={`${path}.forS`}
        />
      ) : null}
      {t === 'time' ? (
        <>
          <Labelled label="At">
            <input
              type="time"
              value={str(draft.at)}
              onChange={(e) => set({ at: e.target.value })}
              data-testid={`${testId}-at`}
            />
            <FieldError error={error} path={`${path}.at`} />
          </Labelled>
          <Weekdays
            value={(draft.weekdays as string[] | undefined) ?? []}
            onChange={(days) => set({ weekdays: days.length ? days : undefined })}
          />
        </>
      ) : null}
      {t === 'cron' ? (
        <Labelled label="Cron (min hour day month weekday)">
          <input
            value={str(draft.expression)}
            onChange={(e) => set({ expression: e.target.value })}
            data-testid={`${testId}-cron`}
          />
          <FieldError error={error} path={`${path}.expression`} />
        </Labelled>
      ) : null}
      {t === 'sun' ? (
        <>
          <Labelled label="Event">
            <select value={str(draft.event)} onChange={(e) => set({ event: e.target.value })}>
              {['sunrise', 'sunset', 'dawn', 'dusk', 'solarNoon'].map((x) => (
                <option key={x}>{x}</option>
              ))}
            </select>
          </Labelled>
          <NumberField
            label="Offset (min)"
            value={draft.offsetMin}
            onChange={(v) => set({ offsetMin: v })}
            error={error}
            errorPath={`${path}.offsetMin`}
          />
        </>
      ) : null}
      {t === 'availability' ? (
        <>
          <Labelled label="Device">
            <DevicePicker
              site={site}
              value={str(draft.deviceId)}
              onChange={(deviceId) => set({ deviceId })}
              testId={`${testId}-device`}
            />
            <FieldError error={error} path={`${path}.deviceId`} />
          </Labelled>
          <Labelled label="Becomes">
            <select value={str(draft.to)} onChange={(e) => set({ to: e.target.value })}>
              <option>offline</option>
              <option>online</option>
            </select>
          </Labelled>
        </>
      ) : null}
      {t === 'button' ? (
        <Labelled label="Event (optional)">
          <input value={str(draft.event)} onChange={(e) => set({ event: e.target.value || undefined })} />
        </Labelled>
      ) : null}
    </div>
  );
}

function Weekdays({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  return (
    <span className="rf-days">
      {WEEKDAYS.map((d) => (
        <label key={d}>
          <input
            type="checkbox"
            checked={value.includes(d)}
            onChange={(e) => onChange(e.target.checked ? [...value, d] : value.filter((x) => x !== d))}
          />
          {d}
        </label>
      ))}
    </span>
  );
}

export function ConditionFields({ site, draft, onChange, path, error, testId }: FieldProps) {
  const set = (patch: Draft) => onChange({ ...draft, ...patch });
  const t = draft.type;
  if (t === 'and' || t === 'or' || t === 'not')
    return <p className="muted small">A {t} group: edit it in the JSON view.</p>;
  return (
    <div className="rf-row">
      {t === 'state' || t === 'numeric' ? (
        <Labelled label="Entity">
          <EntityPicker
            site={site}
            value={str(draft.entityId)}
            onChange={(entityId) => set({ entityId })}
            testId={`${testId}-entity`}
          />
          <FieldError error={error} path={`${path}.entityId`} />
        </Labelled>
      ) : null}
      {t === 'state' || t === 'variable' ? (
        <Labelled label="Equals">
          <input
            value={scalarText(draft.equals)}
            onChange={(e) => set({ equals: parseScalar(e.target.value) })}
          />
        </Labelled>
      ) : null}
      {t === 'variable' ? (
        <Labelled label="Variable">
          <input value={str(draft.name)} onChange={(e) => set({ name: e.target.value })} />
          <FieldError error={error} path={`${path}.name`} />
        </Labelled>
      ) : null}
      {t === 'numeric' ? (
        <>
          <NumberField
            label="Above"
            value={draft.above}
            onChange={(v) => set({ above: v })}
            error={error}
            errorPath={`${path}.above`}
          />
          <NumberField label="Below" value={draft.below} onChange={(v) => set({ below: v })} />
        </>
      ) : null}
      {t === 'time' ? (
        <>
          <Labelled label="After">
            <input type="time" value={str(draft.after)} onChange={(e) => set({ after: e.target.value })} />
          </Labelled>
          <Labelled label="Before">
            <input type="time" value={str(draft.before)} onChange={(e) => set({ before: e.target.value })} />
          </Labelled>
        </>
      ) : null}
      {t === 'weekday' ? (
        <Weekdays value={(draft.days as string[] | undefined) ?? []} onChange={(days) => set({ days })} />
      ) : null}
      {t === 'zone_occupied' ? (
        <>
          <Labelled label="Zone">
            <ZonePicker
              site={site}
              value={str(draft.zoneId)}
              onChange={(zoneId) => set({ zoneId })}
              testId={`${testId}-zone`}
            />
            <FieldError error={error} path={`${path}.zoneId`} />
          </Labelled>
          <Labelled label="Is">
            <select
              value={draft.occupied === false ? 'vacant' : 'occupied'}
              onChange={(e) => set({ occupied: e.target.value === 'occupied' })}
            >
              <option>occupied</option>
              <option>vacant</option>
            </select>
          </Labelled>
        </>
      ) : null}
    </div>
  );
}

export function ActionFields({
  site,
  draft,
  onChange,
  path,
  error,
  testId,
  scenes,
  rules,
}: FieldProps & { scenes: { id: string; name: string }[]; rules: { id: string; name: string }[] }) {
  const set = (patch: Draft) => onChange({ ...draft, ...patch });
  const t = draft.type;
  const command = (draft.command as Draft | undefined) ?? { type: 'turn_on' };
  return (
    <div className="rf-row">
      {t === 'command' ? (
        <>
          <Labelled label="Entity">
            <EntityPicker
              site={site}
              value={str(draft.entityId)}
              onChange={(entityId) => set({ entityId })}
              filter={isControllable}
              testId={`${testId}-entity`}
            />
            <FieldError error={error} path={`${path}.entityId`} />
          </Labelled>
          <Labelled label="Command">
            <select
              value={str(command.type)}
              onChange={(e) => {
                const type = e.target.value;
                const next: Draft =
                  type === 'set_level'
                    ? { type, level: 100 }
                    : type === 'set_setpoint'
                      ? { type, value: 21 }
                      : type === 'set_mode'
                        ? { type, mode: 'heat' }
                        : { type };
                set({ command: next });
              }}
              data-testid={`${testId}-command`}
            >
              {COMMANDS.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </Labelled>
          {command.type === 'set_level' ? (
            <Labelled label="Level %">
              <input
                type="number"
                min={0}
                max={100}
                value={numText(command.level)}
                onChange={(e) => set({ command: { ...command, level: num(e.target.value) } })}
              />
              <FieldError error={error} path={`${path}.command.level`} />
            </Labelled>
          ) : null}
          {command.type === 'set_setpoint' ? (
            <Labelled label="Setpoint °C">
              <input
                type="number"
                step={0.5}
                value={numText(command.value)}
                onChange={(e) => set({ command: { ...command, value: num(e.target.value) } })}
              />
              <FieldError error={error} path={`${path}.command.value`} />
            </Labelled>
          ) : null}
          {command.type === 'set_mode' ? (
            <Labelled label="Mode">
              <input
                value={str(command.mode)}
                onChange={(e) => set({ command: { ...command, mode: e.target.value } })}
              />
            </Labelled>
          ) : null}
        </>
      ) : null}
      {t === 'scene' ? (
        <Labelled label="Scene">
          <select value={str(draft.sceneId)} onChange={(e) => set({ sceneId: e.target.value })}>
            <option value="">— pick a scene —</option>
            {scenes.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <FieldError error={error} path={`${path}.sceneId`} />
        </Labelled>
      ) : null}
      {t === 'delay' ? (
        <NumberField
          label="Seconds"
          value={draft.seconds}
          onChange={(v) => set({ seconds: v })}
          min={1}
          testId={`${testId}-seconds`}
          error={error}
          errorPath={`${path}.seconds`}
        />
      ) : null}
      {t === 'wait_for_trigger' ? (
        <>
          <TriggerFields
            site={site}
            draft={(draft.trigger as Draft) ?? {}}
            onChange={(trigger) => set({ trigger })}
            path={`${path}.trigger`}
            error={error}
            testId={`${testId}-trigger`}
          />
          <NumberField
            label="Timeout (s)"
            value={draft.timeoutS}
            onChange={(v) => set({ timeoutS: v })}
            min={1}
            error={error}
            errorPath={`${path}.timeoutS`}
          />
          <Labelled label="On timeout">
            <select
              value={draft.continueOnTimeout ? 'continue' : 'stop'}
              onChange={(e) => set({ continueOnTimeout: e.target.value === 'continue' })}
            >
              <option value="stop">stop the run</option>
              <option value="continue">go on</option>
            </select>
          </Labelled>
        </>
      ) : null}
      {t === 'notify' ? (
        <>
          <Labelled label="Message">
            <input
              value={str(draft.message)}
              onChange={(e) => set({ message: e.target.value })}
              data-testid={`${testId}-message`}
            />
            <FieldError error={error} path={`${path}.message`} />
          </Labelled>
          <Labelled label="Level">
            <select value={str(draft.level)} onChange={(e) => set({ level: e.target.value })}>
              <option>info</option>
              <option>warning</option>
              <option>alarm</option>
            </select>
          </Labelled>
        </>
      ) : null}
      {t === 'set_variable' ? (
        <>
          <Labelled label="Variable">
            <input value={str(draft.name)} onChange={(e) => set({ name: e.target.value })} />
            <FieldError error={error} path={`${path}.name`} />
          </Labelled>
          <Labelled label="Value">
            <input
              value={scalarText(draft.value)}
              onChange={(e) => set({ value: parseScalar(e.target.value) })}
            />
          </Labelled>
        </>
      ) : null}
      {t === 'set_rule_enabled' ? (
        <>
          <Labelled label="Rule">
            <select value={str(draft.ruleId)} onChange={(e) => set({ ruleId: e.target.value })}>
              <option value="">— pick a rule —</option>
              {rules.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
            <FieldError error={error} path={`${path}.ruleId`} />
          </Labelled>
          <Labelled label="Set">
            <select
              value={draft.enabled ? 'enabled' : 'disabled'}
              onChange={(e) => set({ enabled: e.target.value === 'enabled' })}
            >
              <option>enabled</option>
              <option>disabled</option>
            </select>
          </Labelled>
        </>
      ) : null}
    </div>
  );
}
