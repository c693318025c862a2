import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError } from '../../shared/api/client.ts';
import { useSessionObject } from '../store/context.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorText, FieldError } from '../components/ErrorText.tsx';

function AuthFrame({ title, lead, children }: { title: string; lead: string; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true" />
          Truss
        </div>
        <h1>{title}</h1>
        <p className="muted">{lead}</p>
        {children}
      </div>
    </main>
  );
}

export function SetupPage() {
  const session = useSessionObject();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [code, setCode] = useState('');
  const action = useAction(async () => {
    if (password !== confirm) {
      throw new ApiError('bad_request', 'The passwords do not match', [
        { path: 'confirm', message: 'does not match the password' },
      ]);
    }
    await session.setup(username.trim(), password, code.trim());
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };
  return (
    <AuthFrame
      title="Create the administrator"
      lead="This controller has no accounts yet. The first account is the administrator: it creates the others."
    >
      <form onSubmit={submit} data-testid="setup-form" noValidate>
        <label>
          Setup code{' '}
          <span className="muted">
            (printed where Truss started, and in setup-code.txt in its data folder)
          </span>
          <input
            data-testid="setup-code"
            autoComplete="one-time-code"
            spellCheck={false}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            aria-invalid={!!action.error?.issueFor('code')}
          />
          <FieldError error={action.error} path="code" />
        </label>
        <label>
          Username
          <input
            data-testid="setup-username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            aria-invalid={!!action.error?.issueFor('username')}
          />
          <FieldError error={action.error} path="username" />
        </label>
        <label>
          Password <span className="muted">(at least 10 characters)</span>
          <input
            type="password"
            data-testid="setup-password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            aria-invalid={!!action.error?.issueFor('password')}
          />
          <FieldError error={action.error} path="password" />
        </label>
        <label>
          Repeat password
          <input
            type="password"
            data-testid="setup-confirm"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            aria-invalid={!!action.error?.issueFor('confirm')}
          />
          <FieldError error={action.error} path="confirm" />
        </label>
        <ErrorText error={action.error} testId="setup-error" />
        <button className="btn btn-primary" type="submit" disabled={action.busy} data-testid="setup-submit">
          {action.busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </AuthFrame>
  );
}

export function LoginPage({ notice }: { notice: string | null }) {
  const session = useSessionObject();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction(() => session.login(username.trim(), password));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };
  return (
    <AuthFrame title="Sign in" lead="Sign in to operate this site.">
      {notice ? (
        <div className="notice" data-testid="login-notice">
          {notice}
        </div>
      ) : null}
      <form onSubmit={submit} data-testid="login-form" noValidate>
        <label>
          Username
          <input
            data-testid="login-username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
          />
          <FieldError error={action.error} path="username" />
        </label>
        <label>
          Password
          <input
            type="password"
            data-testid="login-password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <FieldError error={action.error} path="password" />
        </label>
        <ErrorText error={action.error} testId="login-error" />
        <button className="btn btn-primary" type="submit" disabled={action.busy} data-testid="login-submit">
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthFrame>
  );
}
