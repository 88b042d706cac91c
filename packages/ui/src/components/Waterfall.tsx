// A session's calls on a shared time axis: where each started, how long it took.
import type { Direction } from '@mcp-gateway/gateway/types';
import { duration } from '../format/format.js';
import { Link } from '../router/router.js';

export interface Call {
  id: number;
  label: string;
  start: number;
  durationMs: number | null;
  failed: boolean;
  direction: Direction;
  kind: 'request' | 'notification';
}

const MAX_ROWS = 2000;

export function Waterfall({ calls, server, session }: { calls: Call[]; server: string; session: string }) {
  if (calls.length === 0) return <p className="empty-note">No calls in this session yet.</p>;
  const shown = calls.slice(0, MAX_ROWS);
  const t0 = Math.min(...shown.map((c) => c.start));
  const end = Math.max(...shown.map((c) => c.start + (c.durationMs ?? 0)));
  const span = Math.max(1, end - t0);
  const pct = (ms: number): string => `${(ms / span) * 100}%`;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="waterfall" role="table" aria-label="Calls of the session over time">
      <div className="wf-row wf-axis" role="row">
        <span role="columnheader">Call</span>
        <span role="columnheader" className="wf-track">
          {ticks.map((t) => (
            <span key={t} className="wf-tick" style={{ left: `${t * 100}%` }}>
              {t === 0 ? '0' : `+${duration(span * t)}`}
            </span>
          ))}
        </span>
        <span role="columnheader" className="num">Duration</span>
      </div>
      {shown.map((call) => (
        <div key={call.id} className={`wf-row${call.failed ? ' row-error' : ''}`} role="row">
          <span role="cell" className="wf-label">
            <span aria-hidden="true" className="muted">{call.direction === 'client_to_server' ? '→ ' : '← '}</span>
            <Link to={`/?server=${encodeURIComponent(server)}&session=${encodeURIComponent(session)}&sel=${call.id}&open=1`}>{call.label}</Link>
          </span>
          <span role="cell" className="wf-track">
            <span
              className={`wf-bar wf-${call.kind}${call.failed ? ' wf-failed' : ''}${call.kind === 'request' && call.durationMs === null ? ' wf-pending' : ''}`}
              style={{ left: pct(call.start - t0), width: call.durationMs === null ? undefined : pct(call.durationMs) }}
              title={`${call.label}: +${duration(call.start - t0)}${call.durationMs !== null ? `, took ${duration(call.durationMs)}` : ''}`}
            />
          </span>
          <span role="cell" className="num">{call.kind === 'notification' ? '' : call.durationMs === null ? 'pending' : duration(call.durationMs)}</span>
        </div>
      ))}
      {calls.length > MAX_ROWS && <p className="muted">and {calls.length - MAX_ROWS} more</p>}
    </div>
  );
}
