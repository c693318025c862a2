import { METHODS, roleAllows } from '../shared/api/methods.ts';
import { useSessionObject } from './store/context.ts';
import { useSession } from './store/session.ts';
import { useSite } from './store/site-store.ts';
import { href } from './lib/router.ts';
import { useRoute } from './lib/use-route.ts';
import type { Route } from './lib/router.ts';
import { ConnectionBadge } from './components/ConnectionBadge.tsx';
import { LoginPage, SetupPage } from './pages/AuthPages.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { DevicesPage } from './pages/DevicesPage.tsx';
import { DeviceDetailPage } from './pages/DeviceDetailPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { CommissioningPage } from './pages/CommissioningPage.tsx';
import { RulesPage } from './pages/rules/RulesPage.tsx';
import { EnergyPage } from './pages/energy/EnergyPage.tsx';
import { PlanPanel } from './pages/energy/PlanPanel.tsx';

export function App() {
  const session = useSessionObject();
  const state = useSession(session);
  if (state.phase === 'connecting') {
    return (
      <main className="auth">
        <div className="auth-card" data-testid="connecting">
          <p>Connecting to the controller…</p>
          <ConnectionBadge connected={state.connected} />
        </div>
      </main>
    );
  }
  if (state.phase === 'setup') return <SetupPage />;
  if (state.phase === 'login' || !state.user) return <LoginPage notice={state.notice} />;
  return <Shell connected={state.connected} />;
}

const NAV: Array<{ label: string; route: Route; match: Route['page'][]; testId: string }> = [
  { label: 'Overview', route: { page: 'overview' }, match: ['overview'], testId: 'nav-overview' },
  { label: 'Devices', route: { page: 'devices' }, match: ['devices', 'device'], testId: 'nav-devices' },
  {
    label: 'Commissioning',
    route: { page: 'commissioning' },
    match: ['commissioning'],
    testId: 'nav-commissioning',
  },
  { label: 'Automations', route: { page: 'rules', tab: null }, match: ['rules'], testId: 'nav-rules' },
  { label: 'Energy', route: { page: 'energy', tab: null }, match: ['energy'], testId: 'nav-energy' },
  { label: 'Settings', route: { page: 'settings', tab: null }, match: ['settings'], testId: 'nav-settings' },
];

function Shell({ connected }: { connected: boolean }) {
  const session = useSessionObject();
  const { user } = useSession(session);
  const site = useSite(session.site);
  const route = useRoute();
  if (!user) return null;
  const canControl = roleAllows(METHODS['entity.command'].access, user.role);
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Truss
        </div>
        <nav>
          {NAV.filter(
            (n) =>
              n.route.page !== 'commissioning' ||
              roleAllows(METHODS['commissioning.status'].access, user.role),
          ).map((n) => (
            <a
              key={n.testId}
              href={href(n.route)}
              className={n.match.includes(route.page) ? 'active' : ''}
              data-testid={n.testId}
            >
              {n.label}
            </a>
          ))}
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          <ConnectionBadge connected={connected} />
          {!connected ? (
            <span className="muted small" data-testid="stale-note">
              Values may be out of date until the connection is back.
            </span>
          ) : null}
          <span className="spacer" />
          {!canControl ? (
            <span className="badge badge-unk" data-testid="read-only-badge">
              read-only
            </span>
          ) : null}
          <span className="user" data-testid="user-badge" data-role={user.role}>
            {user.username} <span className="muted small">{user.role}</span>
          </span>
          <button
            type="button"
            className="btn btn-sm"
            data-testid="logout-button"
            onClick={() => void session.logout()}
          >
            Sign out
          </button>
        </header>
        <div className={`content ${connected ? '' : 'is-stale'}`}>
          {!site.loaded ? (
            <p className="muted" data-testid="loading-site">
              Loading site…
            </p>
          ) : route.page === 'overview' ? (
            <OverviewPage site={site} />
          ) : route.page === 'devices' ? (
            <DevicesPage site={site} canControl={canControl} />
          ) : route.page === 'device' ? (
            <DeviceDetailPage site={site} deviceId={route.deviceId} user={user} canControl={canControl} />
          ) : route.page === 'rules' ? (
            <RulesPage site={site} user={user} tab={route.tab} />
          ) : route.page === 'energy' ? (
            route.tab === 'plan' ? (
              <PlanPanel user={user} />
            ) : (
              <EnergyPage user={user} />
            )
          ) : route.page === 'commissioning' ? (
            <CommissioningPage
              site={site}
              canCommission={roleAllows(METHODS['commissioning.adopt'].access, user.role)}
            />
          ) : (
            <SettingsPage user={user} tab={route.tab} />
          )}
        </div>
      </div>
    </div>
  );
}
