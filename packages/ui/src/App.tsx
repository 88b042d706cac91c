import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { isUnauthorized, onAuthChange } from './api/client.js';
import { StorageBanner } from './components/StorageBanner.js';
import { FaultBanner } from './faults/FaultBanner.js';
import { FaultsPage } from './faults/FaultsPage.js';
import { useFeed, useFeedStatus } from './live/context.js';
import { ServersPage } from './pages/ServersPage.js';
import { SessionPage } from './pages/SessionPage.js';
import { SessionsPage } from './pages/SessionsPage.js';
import { StatsPage } from './pages/StatsPage.js';
import { TrafficPage } from './pages/TrafficPage.js';
import { AlertsPage } from './alerts/AlertsPage.js';
import { AlertsSync } from './alerts/AlertsSync.js';
import { DefinitionsPage } from './alerts/DefinitionsPage.js';
import { ComposePage } from './replay/ComposePage.js';
import { Link, useLocation } from './router/router.js';
import { useTheme, type ThemeChoice } from './hooks/theme.js';

const NAV = [
  ['/', 'Traffic'],
  ['/servers', 'Servers'],
  ['/sessions', 'Sessions'],
  ['/stats', 'Stats'],
  ['/alerts', 'Alerts'],
  ['/faults', 'Faults'],
] as const;

const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const THEME_ICON: Record<ThemeChoice, string> = { system: '◐', light: '☀', dark: '☾' };

function Unauthorized() {
  return (
    <main className="page narrow">
      <div className="empty-panel" role="alert">
        <h1>Not authorized</h1>
        <p>
          The gateway refused this page's requests: they need its token. Open the link the gateway printed when it started (it looks like{' '}
          <code>{window.location.origin}/ui/#token=…</code>); it signs this browser in.
        </p>
        <p className="muted">
          Lost it? The token is in the file <code>token</code> in the gateway's home folder (by default <code>~/.mcp-gateway/token</code>); open{' '}
          <code>{window.location.origin}/ui/#token=</code> followed by it. The gateway makes a new token each time it starts, unless{' '}
          <code>MCP_GATEWAY_TOKEN</code> sets one.
        </p>
      </div>
    </main>
  );
}

function Page({ path }: { path: string }) {
  if (path === '/' || path === '/traffic') return <TrafficPage />;
  if (path === '/servers') return <ServersPage />;
  if (path === '/alerts') return <AlertsPage />;
  const definitions = /^\/servers\/([^/]+)\/definitions$/.exec(path);
  if (definitions) return <DefinitionsPage server={decodeURIComponent(definitions[1] ?? '')} />;
  if (path === '/sessions') return <SessionsPage />;
  const session = /^\/sessions\/([^/]+)\/(.+)$/.exec(path);
  if (session) return <SessionPage server={decodeURIComponent(session[1] ?? '')} id={decodeURIComponent(session[2] ?? '')} />;
  if (path === '/stats') return <StatsPage />;
  if (path === '/compose') return <ComposePage />;
  if (path === '/faults') return <FaultsPage />;
  return (
    <main className="page narrow">
      <div className="empty-panel">
        <h1>Nothing here</h1>
        <p>
          There is no page at <code>/ui{path}</code>. <Link to="/">Go to the traffic</Link>.
        </p>
      </div>
    </main>
  );
}

export function App() {
  const { path } = useLocation();
  const [theme, setTheme] = useTheme();
  const unauthorized = useSyncExternalStore(onAuthChange, isUnauthorized);
  const feed = useFeed();
  const feedStatus = useFeedStatus();
  const queryClient = useQueryClient();

  // Server health changes and clears arrive on the live feed.
  useEffect(
    () =>
      feed.subscribe({
        health: (event) => {
          if (event.scope === 'server') queryClient.setQueryData(['health', event.health.server], event.health);
          else queryClient.setQueryData(['gateway-health'], event.health);
        },
        clear: () => {
          void queryClient.invalidateQueries({ queryKey: ['sessions'] });
          void queryClient.invalidateQueries({ queryKey: ['stats'] });
          void queryClient.removeQueries({ queryKey: ['message'] });
        },
      }),
    [feed, queryClient],
  );

  const section = path === '/traffic' ? '/' : `/${path.split('/')[1] ?? ''}`;
  useEffect(() => {
    if (section === '/compose') return; // the composer names its own page
    const label = NAV.find(([to]) => to === section)?.[1] ?? 'MCP Gateway';
    document.title = `${label} · mcp-gateway`;
  }, [section]);

  if (unauthorized || feedStatus === 'unauthorized') return <Unauthorized />;

  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand" aria-label="MCP Gateway: traffic">
          <span className="brand-mark" aria-hidden="true">
            ⇄
          </span>
          <span>MCP Gateway</span>
        </Link>
        <nav aria-label="Sections">
          {NAV.map(([to, label]) => (
            <Link key={to} to={to} aria-current={section === to ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <span className={`live-dot live-${feedStatus}`} title="Connection to the gateway's live event stream">
            {feedStatus === 'live' ? 'Connected' : feedStatus === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label={`Theme: ${theme} (switch to ${NEXT_THEME[theme]})`}
            title={`Theme: ${theme}`}
            onClick={() => setTheme(NEXT_THEME[theme])}
          >
            {THEME_ICON[theme]}
          </button>
        </div>
      </header>
      <StorageBanner />
      <FaultBanner />
      <AlertsSync />
      <Page path={path} />
    </div>
  );
}
