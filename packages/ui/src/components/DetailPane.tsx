// The selected message: its body, its pair, the progress of a request, the
// HTTP exchange, and copy actions.
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { ExchangeRecord, MessageDetail, MessageRecord } from '@mcp-gateway/gateway/types';
import { api } from '../api/endpoints.js';
import { curlCommand } from '../format/curl.js';
import { bytes, clockTime, dateTime, duration } from '../format/format.js';
import { targetOf } from '../traffic/row.js';
import { CopyButton } from './CopyButton.js';
import { MessageView } from './MessageView.js';
import { ReplayBadge } from './ReplayBadge.js';
import { InjectedBadge } from './InjectedBadge.js';

type Tab = 'message' | 'pair' | 'progress' | 'http' | 'addon';

/**
 * What a feature adds to the pane (replay): buttons beside the copy actions
 * and a tab of its own. The page composes it in, so the pane imports no feature.
 */
export interface DetailAddon {
  /** Buttons for this message, or null; `show()` opens the addon's tab. */
  actions(detail: MessageDetail, show: () => void): ReactNode;
  /** The tab's label, or null while the addon has nothing to show for this message. */
  tab(detail: MessageDetail): string | null;
  /** The tab's content; kept mounted while the tab exists, so switching tabs keeps its state. */
  panel(detail: MessageDetail): ReactNode;
}

function title(message: MessageRecord): string {
  const target = targetOf(message.method, message.body);
  return [message.method ?? message.kind, target].filter(Boolean).join(' ');
}

/** The client request a curl can send again: the message itself, or the request it answers. */
function repeatable(detail: MessageDetail): MessageRecord | null {
  const { message, pair } = detail;
  const candidate = message.direction === 'client_to_server' ? message : pair?.direction === 'client_to_server' ? pair : null;
  if (!candidate || (candidate.kind !== 'request' && candidate.kind !== 'notification') || candidate.truncated) return null;
  return candidate;
}

function proxyUrl(message: MessageRecord, exchange: ExchangeRecord | null): string {
  const path = exchange?.path.startsWith('/s/') ? exchange.path : `/s/${encodeURIComponent(message.server)}/mcp`;
  return `${window.location.origin}${path}`;
}

function Curl({ detail }: { detail: MessageDetail }) {
  const [secrets, setSecrets] = useState(false);
  const request = repeatable(detail);
  if (!request) return null;
  const exchange = request.id === detail.message.id ? detail.exchange : null;
  const make = async (): Promise<string> => {
    // The exchange of the request carries its headers (session, protocol version).
    const own = exchange ?? (await api.message(request.id)).exchange;
    return curlCommand({ url: proxyUrl(request, own), body: request.body, headers: own?.requestHeaders ?? {}, includeSecrets: secrets }).command;
  };
  return (
    <>
      <CopyButton label="Copy as curl" text={make} />
      <label className="check" title="Include Authorization, Cookie and other credential headers (as stored: the gateway may have masked them)">
        <input type="checkbox" checked={secrets} onChange={(e) => setSecrets(e.target.checked)} />
        with secrets
      </label>
    </>
  );
}

function Progress({ related, request }: { related: MessageRecord[]; request: MessageRecord }) {
  if (related.length === 0) return <p className="empty-note">No progress or cancellation messages are tied to this request.</p>;
  return (
    <ol className="progress-list" aria-label="Progress of the request">
      {related.map((message) => {
        let progress: { progress?: number; total?: number; message?: string } = {};
        try {
          progress = ((JSON.parse(message.body) as { params?: typeof progress }).params ?? {}) as typeof progress;
        } catch {
          // not JSON
        }
        const ratio = typeof progress.progress === 'number' && typeof progress.total === 'number' && progress.total > 0 ? progress.progress / progress.total : null;
        return (
          <li key={message.id} className="progress-item">
            <span className="muted">+{duration(message.timestamp - request.timestamp)}</span>
            <span className="mono">{message.method}</span>
            {typeof progress.progress === 'number' && (
              <span>
                {progress.progress}
                {typeof progress.total === 'number' ? ` / ${progress.total}` : ''}
              </span>
            )}
            {ratio !== null && <progress value={ratio} max={1} aria-label={`progress ${Math.round(ratio * 100)}%`} />}
            {typeof progress.message === 'string' && <span>{progress.message}</span>}
          </li>
        );
      })}
    </ol>
  );
}

function Headers({ caption, headers }: { caption: string; headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  return (
    <table className="kv">
      <caption>{caption}</caption>
      <tbody>
        {entries.length === 0 && (
          <tr>
            <td className="muted">none recorded</td>
          </tr>
        )}
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Http({ exchange }: { exchange: ExchangeRecord | null }) {
  if (!exchange) return <p className="empty-note">This message did not come with an HTTP exchange (a stdio line, or made by the gateway).</p>;
  const t0 = exchange.receivedAt;
  const first = exchange.upstreamFirstByteAt;
  const done = exchange.doneAt;
  const total = done !== null ? done - t0 : first !== null ? first - t0 : 0;
  const pct = (ms: number): string => `${total > 0 ? Math.max(1, (ms / total) * 100) : 100}%`;
  return (
    <div className="http">
      <p className="mono">
        {exchange.method} {exchange.path} → {exchange.status ?? 'no status'}
      </p>
      {exchange.error && <p className="notice error-text">{exchange.error}</p>}
      <dl className="timings">
        <dt>Received</dt>
        <dd>{dateTime(t0)}.{String(Math.floor(t0 % 1000)).padStart(3, '0')}</dd>
        <dt>Upstream first byte</dt>
        <dd>{first === null ? '—' : `+${duration(first - t0)}`}</dd>
        <dt>Done</dt>
        <dd>{done === null ? 'still open' : `+${duration(done - t0)}`}</dd>
      </dl>
      {first !== null && (
        <div className="timing-bar" aria-hidden="true">
          <span className="wait" style={{ width: pct(first - t0) }} />
          {done !== null && <span className="transfer" style={{ width: pct(done - first) }} />}
        </div>
      )}
      <Headers caption="Request headers" headers={exchange.requestHeaders} />
      <Headers caption="Response headers" headers={exchange.responseHeaders} />
    </div>
  );
}

export function DetailPane({ id, pending, onClose, onSelect, addon, banner }: {
  id: number;
  pending: boolean;
  onClose(): void;
  onSelect(id: number): void;
  addon?: DetailAddon;
  /** What a feature shows above the message (the alerts seen in it), or nothing. */
  banner?: (detail: MessageDetail) => ReactNode;
}) {
  const [tab, setTab] = useState<Tab>('message');
  const query = useQuery({
    queryKey: ['message', id],
    queryFn: () => api.message(id),
    // A request still waiting: look again for its answer and progress.
    refetchInterval: pending ? 1000 : false,
  });
  const detail = query.data;
  const message = detail?.message;
  const isRequest = message?.kind === 'request';
  const addonTab = detail && addon ? addon.tab(detail) : null;
  const tabs: Array<[Tab, string]> = [
    ['message', 'Message'],
    ['pair', isRequest ? 'Response' : 'Request'],
    ...(isRequest ? ([['progress', `Progress (${detail?.related.length ?? 0})`]] as Array<[Tab, string]>) : []),
    ['http', 'HTTP'],
    ...(addonTab !== null ? ([['addon', addonTab]] as Array<[Tab, string]>) : []),
  ];
  const current = tabs.some(([key]) => key === tab) ? tab : 'message';

  return (
    <aside className="detail" aria-label="Message detail">
      <header className="detail-head">
        <div className="detail-title">
          {message ? (
            <>
              <span className={`kind kind-badge-${message.kind}`}>{message.kind}</span>
              <h2>{title(message)}</h2>
              {message.isError && <span className="pill pill-error">error</span>}
              {message.origin === 'replay' && <ReplayBadge long replayOf={message.replayOf ?? (detail?.pair?.replayOf ?? null)} onOpen={onSelect} />}
              {message.injected && <InjectedBadge long rule={message.injected} />}
            </>
          ) : (
            <h2>Message {id}</h2>
          )}
          <button type="button" className="icon-button close" aria-label="Close detail (Esc)" title="Close (Esc)" onClick={onClose}>
            ×
          </button>
        </div>
        {message && (
          <p className="detail-meta">
            <span>#{message.id}</span>
            <span>{message.server}</span>
            <span className="mono" title="session">{message.sessionId ?? 'no session'}</span>
            <span>{message.direction === 'client_to_server' ? 'client → server' : 'server → client'}</span>
            <span>{clockTime(message.timestamp)}</span>
            <span>{bytes(message.size)}</span>
            {message.durationMs !== null && <span>{duration(message.durationMs)}</span>}
          </p>
        )}
        {detail && (
          <div className="detail-actions">
            <CopyButton label="Copy JSON" text={detail.message.body} />
            <Curl detail={detail} />
            {addon?.actions(detail, () => setTab('addon'))}
          </div>
        )}
        <div className="tabs" role="tablist" aria-label="Message parts">
          {tabs.map(([key, label]) => (
            <button key={key} type="button" role="tab" aria-selected={current === key} onClick={() => setTab(key)}>
              {label}
            </button>
          ))}
        </div>
      </header>
      <div className="detail-body" role="tabpanel">
        {query.isError && <p className="notice error-text">Could not load message {id}: {query.error.message}</p>}
        {query.isPending && <p className="empty-note">Loading…</p>}
        {detail && current === 'message' && banner?.(detail)}
        {detail && current === 'message' && <MessageView key={detail.message.id} message={detail.message} />}
        {detail && current === 'pair' &&
          (detail.pair ? (
            <>
              <p className="pair-head">
                <button type="button" className="link-button" onClick={() => onSelect((detail.pair as MessageRecord).id)}>
                  #{detail.pair.id} {detail.pair.kind}
                </button>
                {detail.pair.durationMs !== null && <span> · {duration(detail.pair.durationMs)}</span>}
                {detail.message.durationMs !== null && <span> · answered in {duration(detail.message.durationMs)}</span>}
              </p>
              <MessageView key={detail.pair.id} message={detail.pair} />
            </>
          ) : (
            <p className="empty-note">{isRequest ? 'No answer yet.' : 'This message has no paired request.'}</p>
          ))}
        {detail && current === 'progress' && message && <Progress related={detail.related} request={message} />}
        {detail && current === 'http' && <Http exchange={detail.exchange} />}
        {detail && addon && addonTab !== null && <div hidden={current !== 'addon'}>{addon.panel(detail)}</div>}
      </div>
    </aside>
  );
}
