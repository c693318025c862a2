import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../../shared/api/client.ts';
import { METHODS, roleAllows } from '../../shared/api/methods.ts';
import type { Health } from '../../shared/api/methods.ts';
import { ROLES } from '../../shared/domain/user.ts';
import type { AuditEntry, PublicUser, Role } from '../../shared/domain/user.ts';
import { useSessionObject } from '../store/context.ts';
import { href } from '../lib/router.ts';
import { useAction } from '../lib/use-action.ts';
import { formatDateTime, formatDuration } from '../lib/format.ts';
import { ErrorText, FieldError } from '../components/ErrorText.tsx';
import { ZonesPanel } from './ZonesPanel.tsx';
import { AdapterSettingsPanel } from './settings/AdapterSettingsPanel.tsx';

const ROLE_HELP: Record<Role, string> = {
  admin: 'everything, including users',
  installer: 'commissioning: devices, zones, controls',
  manager: 'operates the building, reads the audit log',
  viewer: 'reads only',
};

type Tab = { id: string; label: string; allowed: boolean };

export function SettingsPage({ user, tab }: { user: PublicUser; tab: string | null }) {
  const tabs: Tab[] = [
    { id: 'account', label: 'My account', allowed: true },
    { id: 'users', label: 'Users', allowed: roleAllows(METHODS['user.list'].access, user.role) },
    { id: 'zones', label: 'Zones', allowed: roleAllows(METHODS['zone.create'].access, user.role) },
    {
      id: 'adapters',
      label: 'Adapters',
      allowed: roleAllows(METHODS['adapters.config.get'].access, user.role),
    },
    { id: 'audit', label: 'Audit log', allowed: roleAllows(METHODS['audit.list'].access, user.role) },
    { id: 'system', label: 'System health', allowed: true },
  ].filter((t) => t.allowed);
  const current = tabs.find((t) => t.id === tab) ?? tabs[0]!;
  return (
    <div className="page" data-testid="settings-page">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <nav className="tabs" aria-label="Settings sections">
        {tabs.map((t) => (
          <a
            key={t.id}
            href={href({ page: 'settings', tab: t.id })}
            className={t.id === current.id ? 'active' : ''}
            aria-current={t.id === current.id ? 'page' : undefined}
            data-testid={`settings-tab-${t.id}`}
          >
            {t.label}
          </a>
        ))}
      </nav>
      {current.id === 'account' ? <AccountPanel user={user} /> : null}
      {current.id === 'users' ? <UsersPanel me={user} /> : null}
      {current.id === 'zones' ? <ZonesPanel /> : null}
      {current.id === 'adapters' ? <AdapterSettingsPanel /> : null}
      {current.id === 'audit' ? <AuditPanel /> : null}
      {current.id === 'system' ? <HealthPanel /> : null}
    </div>
  );
}

function AccountPanel({ user }: { user: PublicUser }) {
  const session = useSessionObject();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction(async () => {
    setDone(false);
    await session.call('user.changePassword', { currentPassword, newPassword });
    setCurrent('');
    setNew('');
    setDone(true);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };
  return (
    <section className="card narrow" data-testid="account-panel">
      <h3>Signed in as {user.username}</h3>
      <p className="muted">
        Role: <strong>{user.role}</strong> ({ROLE_HELP[user.role]})
      </p>
      <form onSubmit={submit} noValidate data-testid="password-form">
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            data-testid="password-current"
            value={currentPassword}
            onChange={(e) => setCurrent(e.currentTarget.value)}
          />
          <FieldError error={action.error} path="currentPassword" />
        </label>
        <label>
          New password <span className="muted">(at least 10 characters)</span>
          <input
            type="password"
            autoComplete="new-password"
            data-testid="password-new"
            value={newPassword}
            onChange={(e) => setNew(e.currentTarget.value)}
          />
          <FieldError error={action.error} path="newPassword" />
        </label>
        <ErrorText error={action.error} testId="password-error" />
        <div className="form-actions">
          <button
            className="btn btn-primary"
            type="submit"
            disabled={action.busy}
            data-testid="password-submit"
          >
            Change password
          </button>
          {done ? (
            <span className="ok-text" data-testid="password-changed">
              Password changed
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}

function UsersPanel({ me }: { me: PublicUser }) {
  const session = useSessionObject();
  const [users, setUsers] = useState<PublicUser[] | null>(null);
  const list = useAction(async () => setUsers(await session.call('user.list', {})));
  const { run: reload } = list;
  useEffect(() => {
    void reload();
  }, [reload]);

  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const create = useAction(async () => {
    await session.call('user.create', { username: username.trim(), password, role });
    setUsername('');
    setPassword('');
    await reload();
  });
  const rowAction = useAction(async (op: () => Promise<unknown>) => {
    await op();
    await reload();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  return (
    <div className="stack">
      <section className="card" data-testid="users-panel">
        <h3>Users</h3>
        <ErrorText error={list.error ?? rowAction.error} testId="users-error" />
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>Username</th>
              <th>Role</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(users ?? []).map((u) => (
              <tr key={u.id} data-testid={`user-row-${u.username}`}>
                <td>
                  {u.username} {u.id === me.id ? <span className="muted small">(you)</span> : null}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${u.username}`}
                    data-testid={`user-role-${u.username}`}
                    value={u.role}
                    disabled={u.id === me.id || rowAction.busy}
                    onChange={(e) => {
                      const next = e.currentTarget.value as Role;
                      void rowAction.run(() => session.call('user.setRole', { userId: u.id, role: next }));
                    }}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="muted small">{formatDateTime(u.createdAt)}</td>
                <td className="right">
                  {u.id !== me.id ? (
                    <button
                      type="button"
                      className="btn btn-danger btn-sm"
                      data-testid={`user-delete-${u.username}`}
                      disabled={rowAction.busy}
                      onClick={() => {
                        if (window.confirm(`Delete user ${u.username}?`)) {
                          void rowAction.run(() => session.call('user.delete', { userId: u.id }));
                        }
                      }}
                    >
                      Delete
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card narrow">
        <h3>Add a user</h3>
        <form onSubmit={submit} noValidate data-testid="user-create-form">
          <label>
            Username
            <input
              data-testid="user-create-username"
              autoComplete="off"
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
            />
            <FieldError error={create.error} path="username" testId="user-create-error-username" />
          </label>
          <label>
            Initial password <span className="muted">(at least 10 characters)</span>
            <input
              type="password"
              autoComplete="new-password"
              data-testid="user-create-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <FieldError error={create.error} path="password" testId="user-create-error-password" />
          </label>
          <label>
            Role
            <select
              data-testid="user-create-role"
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}: {ROLE_HELP[r]}
                </option>
              ))}
            </select>
          </label>
          <ErrorText error={create.error} testId="user-create-error" />
          <button
            className="btn btn-primary"
            type="submit"
            disabled={create.busy}
            data-testid="user-create-submit"
          >
            Add user
          </button>
        </form>
      </section>
    </div>
  );
}

function AuditPanel() {
  const session = useSessionObject();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    let cancelled = false;
    session.call('audit.list', { limit: 200 }).then(
      (list) => {
        if (cancelled) return;
        setEntries(list);
        setError(null);
      },
      (e: unknown) => {
        if (!cancelled) setError(e instanceof ApiError ? e : new ApiError('internal', String(e)));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [session, reloads]);
  const load = () => setReloads((n) => n + 1);
  return (
    <section className="card" data-testid="audit-panel">
      <div className="card-head">
        <h3>Audit log</h3>
        <button type="button" className="btn btn-sm" onClick={load} data-testid="audit-refresh">
          Refresh
        </button>
      </div>
      <ErrorText error={error} testId="audit-error" />
      <table className="table compact" data-testid="audit-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Who</th>
            <th>Action</th>
            <th>Target</th>
            <th>Outcome</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((a) => (
            <tr key={a.id} className={a.outcome !== 'ok' ? 'is-warn' : ''}>
              <td className="nowrap">{formatDateTime(a.ts)}</td>
              <td>
                {a.actor} <span className="muted small">{a.role}</span>
              </td>
              <td className="mono">{a.action}</td>
              <td className="mono small">{a.target ?? ''}</td>
              <td>
                <span className={`badge ${a.outcome === 'ok' ? 'badge-ok' : 'badge-bad'}`}>{a.outcome}</span>
              </td>
              <td className="small">{a.detail ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && !error ? <p className="muted">No entries yet.</p> : null}
    </section>
  );
}

function HealthPanel() {
  const session = useSessionObject();
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const h = await session.call('system.health', {});
        if (!cancelled) {
          setHealth(h);
          setError(null);
        }
      } catch (e) {
        if (!cancelled) setError(e instanceof ApiError ? e : new ApiError('internal', String(e)));
      }
    };
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => {
      cancelled = true;
      clearInterval(t);
    };
  }, [session]);
  return (
    <section className="card narrow" data-testid="health-panel">
      <h3>System health</h3>
      <ErrorText error={error} testId="health-error" />
      {health ? (
        <>
          <p>
            <span
              className={`badge ${health.status === 'ok' ? 'badge-ok' : 'badge-bad'}`}
              data-testid="health-status"
            >
              {health.status}
            </span>{' '}
            version {health.version} · up {formatDuration(health.uptimeS)}
          </p>
          <table className="table compact">
            <tbody>
              {Object.entries(health.services).map(([name, s]) => (
                <tr key={name} data-testid={`health-service-${name}`}>
                  <td className="mono">{name}</td>
                  <td>
                    <span
                      className={`badge ${/^(ok|running|up)$/i.test(s.status) ? 'badge-ok' : 'badge-bad'}`}
                    >
                      {s.status}
                    </span>
                  </td>
                  <td className="small">{s.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
