// One session: who connected, and a waterfall of its calls over time.
import { useQuery } from '@tanstack/react-query';
import type { MessageListItem } from '@mcp-gateway/gateway/types';
import { api } from '../api/endpoints.js';
import { Waterfall, type Call } from '../components/Waterfall.js';
import { dateTime, duration } from '../format/format.js';
import { VerifyPanel } from '../replay/VerifyPanel.js';
import { Link } from '../router/router.js';
import { targetOf } from '../traffic/row.js';

const MAX_PAGES = 10;

async function sessionMessages(server: string, session: string): Promise<{ messages: MessageListItem[]; complete: boolean }> {
  const messages: MessageListItem[] = [];
  let after = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await api.listMessages({ server, session, after: String(after), order: 'asc', limit: '1000', maxBody: '600' });
    messages.push(...result.messages);
    if (!result.next || !('after' in result.next)) return { messages, complete: true };
    after = result.next.after;
  }
  return { messages, complete: false };
}

export function toCalls(messages: MessageListItem[]): Call[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const calls: Call[] = [];
  for (const m of messages) {
    if (m.kind === 'request') {
      const answer = m.pairedId === null ? undefined : byId.get(m.pairedId);
      calls.push({
        id: m.id,
        label: [m.method, targetOf(m.method, m.body)].filter(Boolean).join(' '),
        start: m.timestamp,
        durationMs: m.pair?.durationMs ?? answer?.durationMs ?? null,
        failed: m.pair?.isError ?? answer?.isError ?? false,
        direction: m.direction,
        kind: 'request',
      });
    } else if (m.kind === 'notification' && m.relatedId === null) {
      calls.push({ id: m.id, label: m.method ?? 'notification', start: m.timestamp, durationMs: null, failed: false, direction: m.direction, kind: 'notification' });
    }
  }
  return calls;
}

export function SessionPage({ server, id }: { server: string; id: string }) {
  const session = useQuery({ queryKey: ['sessions', 'one', server, id], queryFn: () => api.session(id, server) });
  const messages = useQuery({ queryKey: ['sessions', 'messages', server, id], queryFn: () => sessionMessages(server, id), refetchInterval: 5000 });
  const s = session.data?.session;
  const calls = messages.data ? toCalls(messages.data.messages) : [];
  const trafficLink = `/?server=${encodeURIComponent(server)}&session=${encodeURIComponent(id)}`;
  return (
    <main className="page">
      <p className="crumbs">
        <Link to="/sessions">Sessions</Link> / <span className="mono">{id}</span>
      </p>
      {session.isError && <p className="notice error-text">Could not load the session: {session.error.message}</p>}
      {s && (
        <div className="page-head">
          <h1>
            {s.clientName ?? 'Unknown client'} {s.clientVersion && <span className="muted">{s.clientVersion}</span>} → {s.server}
          </h1>
          <dl className="fact-row">
            <div>
              <dt>Protocol</dt>
              <dd className="mono">{s.protocolVersion ?? '—'}</dd>
            </div>
            <div>
              <dt>Server reports</dt>
              <dd>{s.serverName ? `${s.serverName} ${s.serverVersion ?? ''}` : '—'}</dd>
            </div>
            <div>
              <dt>Active</dt>
              <dd>
                {dateTime(s.firstSeen)} – {dateTime(s.lastSeen).slice(11)} ({duration(s.lastSeen - s.firstSeen)})
              </dd>
            </div>
            <div>
              <dt>Messages</dt>
              <dd>{s.messageCount.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Errors</dt>
              <dd className={s.errorCount ? 'error-text' : ''}>{s.errorCount.toLocaleString('en-US')}</dd>
            </div>
          </dl>
          <Link to={trafficLink} className="button">
            Show its messages in Traffic
          </Link>
        </div>
      )}
      {s && <VerifyPanel server={server} session={id} />}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <p className="muted">Each bar is a request, from when it was sent to when its answer came; click one to open it.</p>
        {messages.data && !messages.data.complete && <p className="notice subtle">Showing the first {messages.data.messages.length.toLocaleString('en-US')} messages.</p>}
        {messages.isSuccess && <Waterfall calls={calls} server={server} session={id} />}
      </section>
    </main>
  );
}
