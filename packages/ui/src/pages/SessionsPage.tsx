import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints.js';
import { ago, dateTime, shortSession } from '../format/format.js';
import { Link } from '../router/router.js';

export function SessionsPage() {
  const sessions = useInfiniteQuery({
    queryKey: ['sessions', 'list'],
    queryFn: ({ pageParam }) => api.sessions({ before: pageParam ?? undefined, limit: 100 }),
    initialPageParam: null as number | null,
    getNextPageParam: (page) => page.next?.before ?? null,
    refetchInterval: 5000,
  });
  const all = sessions.data?.pages.flatMap((p) => p.sessions) ?? [];
  return (
    <main className="page">
      <div className="page-head">
        <h1>Sessions</h1>
        <p className="muted">Each MCP session a client opened through the gateway, most recently active first. Open one for a timeline of its calls.</p>
      </div>
      {sessions.isError && <p className="notice error-text">Could not load sessions: {sessions.error.message}</p>}
      {sessions.isSuccess && all.length === 0 && (
        <div className="empty-panel">
          <h2>No sessions yet</h2>
          <p>
            A session starts when a client sends <code>initialize</code> to a proxy URL. <Link to="/servers">See the proxy URLs</Link>.
          </p>
        </div>
      )}
      {all.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Server</th>
                <th scope="col">Session</th>
                <th scope="col">Protocol</th>
                <th scope="col">Started</th>
                <th scope="col">Last active</th>
                <th scope="col" className="num">Messages</th>
                <th scope="col" className="num">Errors</th>
              </tr>
            </thead>
            <tbody>
              {all.map((s) => (
                <tr key={`${s.server}/${s.sessionId}`}>
                  <td>
                    <Link to={`/sessions/${encodeURIComponent(s.server)}/${encodeURIComponent(s.sessionId)}`}>
                      {s.clientName ?? 'unknown client'} {s.clientVersion && <span className="muted">{s.clientVersion}</span>}
                    </Link>
                  </td>
                  <td>
                    {s.server}
                    {s.serverName && <span className="muted"> ({s.serverName}{s.serverVersion ? ` ${s.serverVersion}` : ''})</span>}
                  </td>
                  <td className="mono" title={s.sessionId}>
                    {shortSession(s.sessionId)}
                  </td>
                  <td className="mono">{s.protocolVersion ?? '—'}</td>
                  <td title={dateTime(s.firstSeen)}>{dateTime(s.firstSeen)}</td>
                  <td title={dateTime(s.lastSeen)}>{ago(s.lastSeen)}</td>
                  <td className="num">{s.messageCount.toLocaleString('en-US')}</td>
                  <td className={`num${s.errorCount ? ' error-text' : ''}`}>{s.errorCount.toLocaleString('en-US')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {sessions.hasNextPage && (
        <button type="button" onClick={() => void sessions.fetchNextPage()} disabled={sessions.isFetchingNextPage}>
          Load older sessions
        </button>
      )}
    </main>
  );
}
