import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Candidate, CommissioningState } from '../../shared/api/commissioning.ts';
import type { Device } from '../../shared/domain/device.ts';
import { ErrorText, FieldError } from '../components/ErrorText.tsx';
import { formatAgo, formatDuration } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { zonePath } from '../lib/site-model.ts';
import { useAction } from '../lib/use-action.ts';
import { useNow } from '../lib/use-now.ts';
import { candidateOrder, useCommissioning } from '../store/commissioning-store.ts';
import { useSessionObject } from '../store/context.ts';
import type { SiteState } from '../store/site-store.ts';
import type { AdapterInfo } from '../../shared/api/methods/devices.ts';
import { useAdapters } from '../store/adapters-store.ts';
import { MqttCredentials } from './commissioning/MqttCredentials.tsx';
import { NetworkMap } from './commissioning/NetworkMap.tsx';
import { PreJoinSecret } from './commissioning/PreJoinSecret.tsx';

const WINDOWS = [60, 120, 254] as const;

/**
 * The installer's commissioning desk: per device family, open the network (permit join / scan)
 * with a visible countdown, watch devices appear and interview live, retry failures, and adopt
 * each one with a name, a zone and its key where it needs one.
 */
export function CommissioningPage({ site, canCommission }: { site: SiteState; canCommission: boolean }) {
  const session = useSessionObject();
  const { states, error } = useCommissioning(session);
  const adapters = useAdapters(session);
  if (error) return <p className="error-text">{error}</p>;
  if (!states || !adapters) return <p className="muted">Loading…</p>;
  return (
    <div className="stack" data-testid="commissioning-page">
      <h1>Commissioning</h1>
      {states.length === 0 ? (
        <p className="muted" data-testid="commissioning-empty">
          No device family that pairs devices is running. Configure a Zigbee or Bluetooth adapter to add
          devices here.
        </p>
      ) : null}
      {states.map((s) => (
        <FamilySection
          key={s.adapter}
          state={s}
          info={adapters[s.adapter]}
          site={site}
          canCommission={canCommission}
        />
      ))}
    </div>
  );
}

function FamilySection({
  state,
  info,
  site,
  canCommission,
}: {
  state: CommissioningState;
  /** the family's manifest words and capabilities; absent only while the list loads */
  info: AdapterInfo | undefined;
  site: SiteState;
  canCommission: boolean;
}) {
  const session = useSessionObject();
  const now = useNow(1000);
  const [seconds, setSeconds] = useState<number>(120);
  const open = useAction(() => session.call('commissioning.open', { adapter: state.adapter, seconds }));
  const close = useAction(() => session.call('commissioning.close', { adapter: state.adapter }));
  const remaining = state.openUntil ? Math.max(0, Math.round((state.openUntil - now) / 1000)) : 0;
  const preJoin = info?.commissioning?.preJoinSecret;
  const candidates = [...state.candidates].sort(candidateOrder);
  return (
    <section className="card" data-testid={`commissioning-${state.adapter}`}>
      <div className="row">
        <h3 title={info?.description}>{info?.name ?? state.adapter}</h3>
        <span className="spacer" />
        {remaining > 0 ? (
          <span className="badge badge-ok" data-testid={`window-${state.adapter}`}>
            open · {formatDuration(remaining)} left
          </span>
        ) : (
          <span className="badge badge-unk" data-testid={`window-${state.adapter}`}>
            closed
          </span>
        )}
        {canCommission ? (
          remaining > 0 ? (
            <button
              type="button"
              className="btn btn-sm"
              disabled={close.busy}
              onClick={() => void close.run()}
              data-testid={`close-${state.adapter}`}
            >
              Close now
            </button>
          ) : (
            <>
              <select
                aria-label="How long"
                value={seconds}
                onChange={(e) => setSeconds(Number(e.target.value))}
                data-testid={`window-seconds-${state.adapter}`}
              >
                {WINDOWS.map((w) => (
                  <option key={w} value={w}>
                    {formatDuration(w)}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="btn btn-sm btn-primary"
                disabled={open.busy}
                onClick={() => void open.run()}
                data-testid={`open-${state.adapter}`}
              >
                {info?.commissioning?.verb ?? 'Open'}
              </button>
            </>
          )
        ) : null}
      </div>
      <ErrorText error={open.error ?? close.error} />
      {info?.commissioning?.hint ? <p className="muted small">{info.commissioning.hint}</p> : null}
      {canCommission && preJoin ? (
        <PreJoinSecret adapter={state.adapter} label={preJoin.label} placeholder={preJoin.placeholder} />
      ) : null}
      {info?.capabilities.networkMap ? <NetworkMap adapter={state.adapter} /> : null}
      {candidates.length === 0 ? (
        <p className="muted small" data-testid={`no-candidates-${state.adapter}`}>
          {remaining > 0
            ? 'Listening… devices that join or are heard show up here.'
            : 'No new devices. Open the network to add some.'}
        </p>
      ) : (
        <table className="table compact" data-testid={`candidates-${state.adapter}`}>
          <thead>
            <tr>
              <th>Device</th>
              <th>Status</th>
              <th>Details</th>
              <th>Heard</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {candidates.map((c) => (
              <CandidateRow
                key={c.id}
                adapter={state.adapter}
                candidate={c}
                site={site}
                canCommission={canCommission}
                now={now}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const STATUS_BADGE: Record<Candidate['status'], string> = {
  discovered: 'badge-unk',
  joining: 'badge-unk',
  interviewing: 'badge-unk',
  ready: 'badge-ok',
  failed: 'badge-bad',
};

function CandidateRow(props: {
  adapter: string;
  candidate: Candidate;
  site: SiteState;
  canCommission: boolean;
  now: number;
}) {
  const { adapter, candidate: c, site, canCommission, now } = props;
  const session = useSessionObject();
  const [adopting, setAdopting] = useState(false);
  const [adopted, setAdopted] = useState<Device | null>(null);
  const retry = useAction(() => session.call('commissioning.retry', { adapter, candidateId: c.id }));
  return (
    <>
      <tr data-testid={`candidate-${c.id}`} data-status={c.status}>
        <td>
          <strong>{c.label}</strong>
          <div className="muted small mono">{c.address}</div>
        </td>
        <td>
          <span className={`badge ${STATUS_BADGE[c.status]}`}>{c.status}</span>
          {c.error ? <div className="error-text small">{c.error}</div> : null}
        </td>
        <td className="small">
          {Object.entries(c.detail).map(([k, v]) => (
            <span key={k} className="chip">
              <span className="muted">{k}</span> {String(v)}
            </span>
          ))}
        </td>
        <td className="small muted">{formatAgo(c.lastSeen, now)}</td>
        <td>
          {canCommission && c.status === 'failed' ? (
            <button
              type="button"
              className="btn btn-sm"
              disabled={retry.busy}
              onClick={() => void retry.run()}
              data-testid={`retry-${c.id}`}
            >
              Retry interview
            </button>
          ) : null}
          {canCommission && !adopted && (c.status === 'ready' || c.status === 'discovered') ? (
            <button
              type="button"
              className="btn btn-sm btn-primary"
              onClick={() => setAdopting((a) => !a)}
              data-testid={`adopt-${c.id}`}
            >
              Adopt…
            </button>
          ) : null}
          <ErrorText error={retry.error} />
        </td>
      </tr>
      {adopting && !adopted ? (
        <tr>
          <td colSpan={5}>
            <AdoptForm adapter={adapter} candidate={c} site={site} onAdopted={setAdopted} />
          </td>
        </tr>
      ) : null}
      {adopted ? (
        <tr data-testid={`adopted-${c.id}`}>
          <td colSpan={5}>
            <p>
              Added <a href={href({ page: 'device', deviceId: adopted.id })}>{adopted.name}</a>
              {adopted.zoneId ? ` in ${zonePath(site, adopted.zoneId)}` : ''}.
            </p>
            {/* families that hand out connection settings (Wi-Fi devices) show them once, here */}
            <MqttCredentials adapter={adapter} device={adopted} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function AdoptForm(props: {
  adapter: string;
  candidate: Candidate;
  site: SiteState;
  onAdopted: (d: Device) => void;
}) {
  const { adapter, candidate, site, onAdopted } = props;
  const session = useSessionObject();
  const [name, setName] = useState(candidate.label);
  const [zoneId, setZoneId] = useState('');
  const [secret, setSecret] = useState('');
  const adopt = useAction(async () => {
    const device = await session.call('commissioning.adopt', {
      adapter,
      candidateId: candidate.id,
      name: name.trim() || undefined,
      zoneId: zoneId || null,
      ...(candidate.secret && secret.trim() ? { secret: secret.trim() } : {}),
    });
    onAdopted(device);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void adopt.run();
  };
  const zones = Object.values(site.zones).sort((a, b) =>
    zonePath(site, a.id).localeCompare(zonePath(site, b.id)),
  );
  return (
    <form className="form-inline" onSubmit={submit} data-testid={`adopt-form-${candidate.id}`}>
      <label>
        Name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={80}
          data-testid="adopt-name"
        />
        <FieldError error={adopt.error} path="name" />
      </label>
      <label>
        Zone
        <select value={zoneId} onChange={(e) => setZoneId(e.target.value)} data-testid="adopt-zone">
          <option value="">(no zone yet)</option>
          {zones.map((z) => (
            <option key={z.id} value={z.id}>
              {zonePath(site, z.id)}
            </option>
          ))}
        </select>
      </label>
      {candidate.secret ? (
        <label>
          {candidate.secret.label}
          <input
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            required={candidate.secret.required}
            autoComplete="off"
            spellCheck={false}
            data-testid="adopt-secret"
          />
          <FieldError error={adopt.error} path="secret" />
        </label>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={adopt.busy} data-testid="adopt-submit">
        Add to site
      </button>
      <ErrorText error={adopt.error} />
    </form>
  );
}
