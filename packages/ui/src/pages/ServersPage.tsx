import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ServerView } from '@mcp-gateway/gateway/types';
import { api, type ServerEntry } from '../api/endpoints.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { CopyButton } from '../components/CopyButton.js';
import { commandLine, ServerForm } from '../components/ServerForm.js';
import { GatewayMcpCard } from '../components/GatewayMcpCard.js';
import { Snippets } from '../components/Snippets.js';
import { duration } from '../format/format.js';
import { Link, navigate, useLocation } from '../router/router.js';
import { ServerAlertBadge } from '../alerts/badges.js';

function Health({ name }: { name: string }) {
  const health = useQuery({ queryKey: ['health', name], queryFn: () => api.serverHealth(name), refetchInterval: 30_000 });
  if (health.isPending) return <span className="health health-unknown">checking…</span>;
  if (health.isError) return <span className="health health-down">unknown</span>;
  const h = health.data;
  const label = h.status === 'up' ? `up${h.latencyMs !== null ? ` · ${duration(h.latencyMs)}` : ''}` : h.status === 'not-running' ? 'idle (starts on first session)' : h.status;
  return (
    <span className={`health health-${h.status}`} title={h.lastError ?? `checked ${h.checkedAt}${h.httpStatus !== null ? `, HTTP ${h.httpStatus}` : ''}`}>
      {label}
      {h.lastError && <span className="sr-only">: {h.lastError}</span>}
    </span>
  );
}

function ServerCard({ server, onEdit, onRemove }: { server: ServerView; onEdit(): void; onRemove(): void }) {
  return (
    <article className="card server-card" aria-label={`Server ${server.name}`}>
      <header className="card-head">
        <h2>{server.name}</h2>
        <span className="badge">{server.type === 'http' ? 'Streamable HTTP' : server.type === 'sse' ? 'legacy SSE' : 'stdio'}</span>
        <Health name={server.name} />
        <ServerAlertBadge server={server.name} />
        <div className="card-actions">
          <Link to={`/?server=${encodeURIComponent(server.name)}`}>Traffic</Link>
          <Link to={`/servers/${encodeURIComponent(server.name)}/definitions`} title="Every version of what the server announced, its baseline, and a diff between two versions">
            Definitions
          </Link>
          <Link to={`/compose?server=${encodeURIComponent(server.name)}`} title="Write a request to this server from the tools, prompts and resources it listed">
            Compose
          </Link>
          <button type="button" onClick={onEdit}>
            Edit
          </button>
          <button type="button" className="danger-outline" onClick={onRemove}>
            Remove
          </button>
        </div>
      </header>
      <dl className="facts">
        <dt>Proxy URL</dt>
        <dd>
          <code className="proxy-url">{server.proxyUrl}</code> <CopyButton label={`Copy proxy URL of ${server.name}`} text={server.proxyUrl} display="Copy" className="small" />
        </dd>
        {server.url && (
          <>
            <dt>Upstream</dt>
            <dd>
              <code>{server.url}</code>
            </dd>
          </>
        )}
        {server.headers && (
          <>
            <dt>Headers</dt>
            <dd>{Object.keys(server.headers).join(', ')} (values hidden)</dd>
          </>
        )}
        {server.command && (
          <>
            <dt>Runs</dt>
            <dd>
              <code>{commandLine(server.command, server.args ?? [])}</code>
              {server.cwd && <span className="muted"> in {server.cwd}</span>}
            </dd>
          </>
        )}
        {server.env && (
          <>
            <dt>Environment</dt>
            <dd>{Object.keys(server.env).join(', ')} (values hidden)</dd>
          </>
        )}
      </dl>
      <details>
        <summary>Connect a client</summary>
        <Snippets name={server.name} url={server.proxyUrl} />
      </details>
      {server.type === 'stdio' && <StderrPanel name={server.name} />}
    </article>
  );
}

/** The newest stderr lines of a stdio server, loaded when opened and refreshed while open. */
function StderrPanel({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const stderr = useQuery({ queryKey: ['stderr', name], queryFn: () => api.serverStderr(name), enabled: open, refetchInterval: open ? 2000 : false });
  return (
    <details onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>stderr</summary>
      <p className="muted">
        What this server writes to stderr, per session (redacted). Lines it writes to stdout that are not JSON-RPC show in the traffic as{' '}
        <code>invalid</code>. Also: <code>mcp-gateway server logs {name}</code>.
      </p>
      {stderr.isError && <p role="alert">Could not load stderr: {stderr.error.message}</p>}
      {stderr.data && stderr.data.lines.length === 0 && <p className="muted">Nothing yet: the process starts when a client connects.</p>}
      {stderr.data && stderr.data.lines.length > 0 && (
        <pre className="stderr" aria-label={`stderr of ${name}`}>
          {stderr.data.lines.map((l) => `${new Date(l.timestamp).toLocaleTimeString()} ${(l.sessionId ?? '-').slice(0, 8)} ${l.line}`).join('\n')}
        </pre>
      )}
    </details>
  );
}

export function ServersPage() {
  const { search } = useLocation();
  const queryClient = useQueryClient();
  const servers = useQuery({ queryKey: ['servers'], queryFn: api.servers, refetchInterval: 5000 });
  const [editing, setEditing] = useState<ServerView | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const adding = search.get('add') === '1';
  const formOpen = adding || editing !== null;

  const refresh = async (): Promise<void> => {
    await queryClient.invalidateQueries({ queryKey: ['servers'] });
  };
  const save = async (name: string, entry: ServerEntry): Promise<void> => {
    if (editing) await api.putServer(name, entry);
    else await api.addServer(name, entry);
    await refresh();
    void queryClient.invalidateQueries({ queryKey: ['health', name] });
    setEditing(null);
    navigate('/servers', { replace: true });
  };
  const remove = async (name: string): Promise<void> => {
    setRemoving(null);
    await api.removeServer(name);
    await refresh();
  };

  const list = servers.data?.servers ?? [];
  return (
    <main className="page">
      <div className="page-head">
        <h1>Servers</h1>
        <p className="muted">The MCP servers the gateway proxies. Clients connect to a server's proxy URL; the gateway records everything in between.</p>
        {!formOpen && (
          <button type="button" className="primary" onClick={() => navigate('/servers?add=1')}>
            Add server
          </button>
        )}
      </div>
      {servers.data?.registryError && (
        <p className="notice error-text" role="alert">
          mcp.json could not be read: {servers.data.registryError}. The gateway keeps using the servers it had.
        </p>
      )}
      {servers.isError && <p className="notice error-text">Could not load servers: {servers.error.message}</p>}
      {formOpen && (
        <div className="card">
          <ServerForm
            key={editing?.name ?? 'new'}
            existing={editing}
            taken={list.map((s) => s.name)}
            onSubmit={save}
            onCancel={() => {
              setEditing(null);
              navigate('/servers', { replace: true });
            }}
          />
        </div>
      )}
      {servers.isSuccess && list.length === 0 && !formOpen && (
        <div className="empty-panel">
          <h2>No servers yet</h2>
          <p>Add the MCP server you want to watch: its URL (Streamable HTTP), or the command that starts it (stdio).</p>
          <button type="button" className="primary" onClick={() => navigate('/servers?add=1')}>
            Add your first server
          </button>
        </div>
      )}
      <div className="server-list">
        {list.map((server) => (
          <ServerCard
            key={server.name}
            server={server}
            onEdit={() => {
              setEditing(server);
              window.scrollTo({ top: 0 });
            }}
            onRemove={() => setRemoving(server.name)}
          />
        ))}
      </div>
      <GatewayMcpCard />
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing ?? ''}?`}
        confirmLabel="Remove"
        danger
        onConfirm={() => void remove(removing ?? '')}
        onCancel={() => setRemoving(null)}
      >
        <p>The server is taken out of mcp.json and its proxy URL stops working. Its recorded messages are kept.</p>
      </ConfirmDialog>
    </main>
  );
}
