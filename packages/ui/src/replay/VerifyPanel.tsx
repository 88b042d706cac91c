// Verify on a session page: re-run the session's replayable requests in one
// fresh session and show, per request, whether the answer is the same, what
// changed, what failed and what was skipped (tools not marked read-only,
// unless the user ticks the box).
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { VerifyItem, VerifyReport } from '@mcp-gateway/gateway/types';
import { duration } from '../format/format.js';
import { Link } from '../router/router.js';
import { replayApi } from './api.js';
import { DiffList } from './AnswerDiff.js';
import { splitPaths } from './ignore-paths.js';
import './replay.css';

const STATUS_LABEL: Record<VerifyItem['status'], string> = { same: 'same', changed: 'changed', error: 'error', skipped: 'skipped' };

function trafficLink(server: string, session: string | null, selected: number): string {
  const search = new URLSearchParams({ server });
  if (session) search.set('session', session);
  search.set('sel', String(selected));
  search.set('open', '1');
  return `/?${search.toString()}`;
}

function Verdict({ report }: { report: VerifyReport }) {
  const failed = report.changed + report.errors;
  const ran = report.results.length - report.skipped;
  const text =
    ran === 0
      ? 'Nothing was re-run.'
      : failed === 0
        ? `Passed: all ${ran} re-run ${ran === 1 ? 'request answered' : 'requests answered'} as recorded.`
        : `Failed: ${failed} of ${ran} re-run ${ran === 1 ? 'request' : 'requests'} ${report.changed ? `changed${report.errors ? ' or failed' : ''}` : 'failed'}.`;
  return <p className={`verify-verdict ${failed ? 'verify-failed' : ran ? 'verify-passed' : ''}`}>{text}</p>;
}

function Row({ item, server, session, replaySession }: { item: VerifyItem; server: string; session: string; replaySession: string | null }) {
  return (
    <tr className={`verify-row verify-${item.status}`}>
      <td>
        <Link to={trafficLink(server, session, item.requestId)} title="Open the recorded request">
          #{item.requestId}
        </Link>
      </td>
      <td className="mono">
        {item.method}
        {item.target !== null && <span className="target"> {item.target}</span>}
      </td>
      <td>
        <span className={`verify-status verify-status-${item.status}`}>{STATUS_LABEL[item.status]}</span>
      </td>
      <td className="verify-times">
        {item.originalDurationMs === null ? '—' : duration(item.originalDurationMs)} → {item.durationMs === null ? '—' : duration(item.durationMs)}
      </td>
      <td>
        <div className="verify-detail">
          {item.diff.length > 0 && <DiffList diff={item.diff} />}
          {item.reason && <span className={item.status === 'error' ? 'error-text' : 'muted'}>{item.reason}</span>}
          {item.replayId !== null && (
            <Link to={trafficLink(server, replaySession, item.replayId)} className="verify-replay-link" title="Open the request as re-sent">
              replay #{item.replayId}
            </Link>
          )}
        </div>
      </td>
    </tr>
  );
}

export function VerifyPanel({ server, session }: { server: string; session: string }) {
  const [confirm, setConfirm] = useState(false);
  const [ignore, setIgnore] = useState('');
  const ids = useId();
  const verify = useMutation({
    mutationFn: () => replayApi.verify(session, server, { ...(confirm ? { confirm: true as const } : {}), ...(splitPaths(ignore).length ? { ignorePaths: splitPaths(ignore) } : {}) }),
  });
  const report = verify.data;
  return (
    <section className="verify" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Verify against the server</h2>
      <p className="muted">
        Sends every request of this session that can be replayed again to <strong>{server}</strong>, in order, in one fresh session, and compares each answer with
        the recorded one: record a session once, verify it after every change to the server.
      </p>
      <div className="verify-controls">
        <button type="button" className="primary" disabled={verify.isPending} onClick={() => verify.mutate()}>
          {verify.isPending ? 'Verifying…' : 'Verify'}
        </button>
        <label className="check" title="Tools whose recorded tools/list entry lacks readOnlyHint: true are skipped unless this is ticked">
          <input type="checkbox" checked={confirm} onChange={(event) => setConfirm(event.target.checked)} />
          also re-run tools that are not read-only
        </label>
        <label className="verify-ignore">
          <span>Ignore paths</span>
          <input
            type="text"
            value={ignore}
            placeholder="$.result.content[*].text, $.result.timestamp"
            spellCheck={false}
            aria-describedby={`${ids}-ignore-hint`}
            onChange={(event) => setIgnore(event.target.value)}
          />
        </label>
        <span id={`${ids}-ignore-hint`} className="sr-only">
          JSON paths left out of the comparison, separated by commas; [*] matches any index
        </span>
      </div>
      {verify.isError && (
        <p className="notice error-text" role="alert">
          Verify failed: {verify.error.message}
        </p>
      )}
      {report && (
        <section className="verify-report" aria-label="Verify report">
          <Verdict report={report} />
          <p className="verify-counts" role="status">
            <span className="verify-status verify-status-same">{report.same} same</span>
            <span className="verify-status verify-status-changed">{report.changed} changed</span>
            <span className="verify-status verify-status-error">{report.errors} {report.errors === 1 ? 'error' : 'errors'}</span>
            <span className="verify-status verify-status-skipped">{report.skipped} skipped</span>
            {report.replaySession && (
              <Link to={`/?server=${encodeURIComponent(server)}&session=${encodeURIComponent(report.replaySession)}`}>Show the verify run's messages</Link>
            )}
          </p>
          {report.skipped > 0 && !confirm && (
            <p className="muted">
              Skipped calls are of tools the server does not mark read-only; tick "also re-run tools that are not read-only" to include them.
            </p>
          )}
          {report.results.length === 0 ? (
            <p className="empty-note">This session has no request that can be replayed.</p>
          ) : (
            <table className="verify-table">
              <thead>
                <tr>
                  <th scope="col">Recorded</th>
                  <th scope="col">Request</th>
                  <th scope="col">Result</th>
                  <th scope="col">Time (recorded → now)</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {report.results.map((item) => (
                  <Row key={item.requestId} item={item} server={server} session={session} replaySession={report.replaySession} />
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </section>
  );
}
