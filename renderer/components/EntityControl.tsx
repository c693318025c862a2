import { useEffect, useState } from 'react';
import type { EntityCommand } from '../../shared/domain/command.ts';
import type { Entity, EntityState, StateValue } from '../../shared/domain/entity.ts';
import { useSessionObject } from '../store/context.ts';
import { useAction } from '../lib/use-action.ts';
import { formatNumber } from '../lib/format.ts';

/** How long a control waits for the device to report back before it stops showing "sending". */
const ECHO_TIMEOUT_MS = 6000;

type Props = { entity: Entity; state: EntityState | undefined; canControl: boolean };

export function isOn(value: StateValue | undefined): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return /^(on|true|open)$/i.test(value);
  if (value && typeof value === 'object' && typeof value.on === 'boolean') return value.on;
  if (typeof value === 'number') return value > 0;
  return null;
}

function field(value: StateValue | undefined, key: string): number | null {
  if (value && typeof value === 'object') {
    const v = value[key];
    return typeof v === 'number' ? v : null;
  }
  return null;
}

/**
 * Sends a command and stays "pending" until the device reports a new state: the UI shows what the
 * device says, never an optimistic guess.
 */
function useCommand(entity: Entity, state: EntityState | undefined) {
  const session = useSessionObject();
  /** the state timestamp seen when the command went out; any newer report ends the wait */
  const [sentAt, setSentAt] = useState<{ stateTs: number | null } | null>(null);
  /** set when the wait ran out with no report; cleared by the next report */
  const [silentSince, setSilentSince] = useState<{ stateTs: number | null } | null>(null);
  const stateTs = state?.ts ?? null;
  const action = useAction(async (command: EntityCommand) => {
    await session.call('entity.command', { entityId: entity.id, command });
  });
  useEffect(() => {
    if (sentAt === null) return;
    const t = setTimeout(() => {
      setSentAt(null);
      setSilentSince(sentAt);
    }, ECHO_TIMEOUT_MS);
    return () => clearTimeout(t);
  }, [sentAt]);
  const send = async (command: EntityCommand) => {
    setSilentSince(null);
    setSentAt({ stateTs });
    await action.run(command);
  };
  const pending = sentAt !== null && sentAt.stateTs === stateTs && !action.error;
  const noEcho = silentSince !== null && silentSince.stateTs === stateTs && !action.error;
  return { send, pending, noEcho, error: action.error };
}

export function EntityControl(props: Props) {
  switch (props.entity.kind) {
    case 'switch':
      return <SwitchControl {...props} />;
    case 'light':
      return <LightControl {...props} />;
    case 'climate':
      return <SetpointControl {...props} />;
    default:
      return null;
  }
}

function CommandError({
  error,
  noEcho,
  entityId,
}: {
  error: ReturnType<typeof useCommand>['error'];
  noEcho: boolean;
  entityId: string;
}) {
  if (noEcho && !error) {
    return (
      <span className="control-error" role="status" data-testid={`control-noecho-${entityId}`}>
        The device did not confirm
      </span>
    );
  }
  if (!error) return null;
  return (
    <span
      className="control-error"
      role="alert"
      data-testid={`control-error-${entityId}`}
      data-code={error.code}
    >
      {error.code === 'forbidden' ? 'Not allowed for your role' : error.message}
    </span>
  );
}

function SwitchControl({ entity, state, canControl }: Props) {
  const { send, pending, noEcho, error } = useCommand(entity, state);
  const on = isOn(state?.value);
  const disabled = !canControl || !entity.writable;
  return (
    <span className="control">
      <button
        type="button"
        className={`toggle ${on ? 'toggle-on' : ''} ${pending ? 'is-pending' : ''}`}
        role="switch"
        aria-checked={on === true}
        aria-label={`${entity.name}: turn ${on ? 'off' : 'on'}`}
        data-testid={`control-switch-${entity.id}`}
        data-state={on === null ? 'unknown' : on ? 'on' : 'off'}
        data-pending={pending ? 'true' : 'false'}
        disabled={disabled}
        title={disabled ? 'Your role cannot control devices' : undefined}
        onClick={() => void send({ type: on ? 'turn_off' : 'turn_on' })}
      >
        <span className="knob" />
      </button>
      <CommandError error={error} noEcho={noEcho} entityId={entity.id} />
    </span>
  );
}

function LightControl({ entity, state, canControl }: Props) {
  const { send, pending, noEcho, error } = useCommand(entity, state);
  const on = isOn(state?.value);
  const level = field(state?.value, 'level');
  const [draft, setDraft] = useState<number | null>(null);
  const disabled = !canControl || !entity.writable;
  const dimmable = entity.attributes.dimmable !== false && level !== null;
  const commitLevel = () => {
    if (draft === null) return;
    const value = draft;
    setDraft(null);
    void send({ type: 'set_level', level: value });
  };
  return (
    <span className="control">
      <button
        type="button"
        className={`toggle ${on ? 'toggle-on' : ''} ${pending ? 'is-pending' : ''}`}
        role="switch"
        aria-checked={on === true}
        aria-label={`${entity.name}: turn ${on ? 'off' : 'on'}`}
        data-testid={`control-switch-${entity.id}`}
        data-state={on === null ? 'unknown' : on ? 'on' : 'off'}
        data-pending={pending ? 'true' : 'false'}
        disabled={disabled}
        onClick={() => void send({ type: on ? 'turn_off' : 'turn_on' })}
      >
        <span className="knob" />
      </button>
      {dimmable ? (
        <input
          type="range"
          className="dimmer"
          min={0}
          max={100}
          step={1}
          aria-label={`${entity.name} level`}
          data-testid={`control-level-${entity.id}`}
          value={draft ?? level ?? 0}
          disabled={disabled}
          onChange={(e) => setDraft(Number(e.currentTarget.value))}
          onPointerUp={commitLevel}
          onKeyUp={commitLevel}
          onBlur={commitLevel}
        />
      ) : null}
      <CommandError error={error} noEcho={noEcho} entityId={entity.id} />
    </span>
  );
}

function SetpointControl({ entity, state, canControl }: Props) {
  const { send, pending, noEcho, error } = useCommand(entity, state);
  const reported = field(state?.value, 'setpoint');
  /** what was asked for, and the setpoint reported at that moment: a new report supersedes it */
  const [asked, setAsked] = useState<{ value: number; reported: number | null } | null>(null);
  const target = asked !== null && asked.reported === reported ? asked.value : null;
  const step = entity.attributes.step ?? 0.5;
  const min = entity.attributes.min ?? 5;
  const max = entity.attributes.max ?? 35;
  const disabled = !canControl || !entity.writable || reported === null;
  const nudge = (dir: 1 | -1) => {
    // Repeated clicks build on the value already asked for, not on the last report.
    const base = pending && target !== null ? target : (reported ?? 0);
    const next = Math.min(max, Math.max(min, Math.round((base + dir * step) / step) * step));
    setAsked({ value: next, reported });
    void send({ type: 'set_setpoint', value: next });
  };
  const unit = entity.unit ?? '°C';
  return (
    <span className="control setpoint">
      <button
        type="button"
        className="step-btn"
        aria-label={`${entity.name}: lower setpoint`}
        data-testid={`setpoint-down-${entity.id}`}
        disabled={disabled || (reported !== null && reported <= min)}
        onClick={() => nudge(-1)}
      >
        −
      </button>
      <span
        className={`setpoint-value ${pending ? 'is-pending' : ''}`}
        data-testid={`setpoint-value-${entity.id}`}
        data-value={reported ?? ''}
        data-pending={pending ? 'true' : 'false'}
        title="Setpoint reported by the thermostat"
      >
        {reported === null ? '—' : formatNumber(reported, unit)}
        {pending && target !== null ? <small> → {formatNumber(target, unit)}</small> : null}
      </span>
      <button
        type="button"
        className="step-btn"
        aria-label={`${entity.name}: raise setpoint`}
        data-testid={`setpoint-up-${entity.id}`}
        disabled={disabled || (reported !== null && reported >= max)}
        onClick={() => nudge(1)}
      >
        +
      </button>
      <CommandError error={error} noEcho={noEcho} entityId={entity.id} />
    </span>
  );
}

/** Thermostat mode (off / heat / ...), offered where the device lists its modes. */
export function ModeSelect({ entity, state, canControl }: Props) {
  const { send, pending, noEcho, error } = useCommand(entity, state);
  const modes = entity.attributes.modes ?? [];
  const v = state?.value;
  const mode = v && typeof v === 'object' && typeof v.mode === 'string' ? v.mode : '';
  if (entity.kind !== 'climate' || modes.length === 0) return null;
  return (
    <span className="control">
      <select
        aria-label={`${entity.name} mode`}
        data-testid={`control-mode-${entity.id}`}
        data-value={mode}
        className={pending ? 'is-pending' : ''}
        value={mode}
        disabled={!canControl || !entity.writable}
        onChange={(e) => void send({ type: 'set_mode', mode: e.currentTarget.value })}
      >
        {mode === '' ? <option value="">—</option> : null}
        {modes.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <CommandError error={error} noEcho={noEcho} entityId={entity.id} />
    </span>
  );
}
