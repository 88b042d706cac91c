// What a replay (or a composed request) got back: the new answer beside the
// recorded one with the changed paths marked, both durations, and links to
// the rows it recorded.
import { useEffect, useRef } from 'react';
import type { MessageRecord, ReplayResult, ReplaySessionMode } from '@mcp-gateway/gateway/types';
import { MessageView } from '../components/MessageView.js';
import { duration, shortSession } from '../format/format.js';
import { Link } from '../router/router.js';
import { AnswerDiff } from './AnswerDiff.js';

/** The traffic view of a replay's rows, with one of them open. */
export function replayRowsLink(result: ReplayResult, selected: number): string {
  const search = new URLSearchParams({ server: result.request.server });
  if (result.session) search.set('session', result.session);
  else search.set('q', 'origin:replay');
  search.set('sel', String(selected));
  search.set('open', '1');
  return `/?${search.toString()}`;
}

function answerState(response: MessageRecord | null): { label: string; className: string } {
  if (!response) return { label: 'no answer', className: 'pill pill-error' };
  if (response.kind === 'error') return { label: 'JSON-RPC error', className: 'pill pill-error' };
  if (response.isError) return { label: 'tool error', className: 'pill pill-error' };
  return { label: 'answered', className: 'pill pill-ok' };
}

export function ReplayResultView({ result, original, session, composed }: {
  result: ReplayResult;
  /** The recorded answer to compare with; null for a composed request (or when none was recorded). */
  original: MessageRecord | null;
  session: ReplaySessionMode;
  composed?: boolean;
}) {
  const state = answerState(result.response);
  const ref = useRef<HTMLElement>(null);
  // A result below the editor would come unseen: bring each new one into view.
  // A block body: Chromium 156's scrollIntoView returns a promise, which React would call as the effect's cleanup.
  useEffect(() => {
    void ref.current?.scrollIntoView({ block: 'nearest' });
  }, [result]);
  const where = session === 'live' ? 'in the original session' : result.session ? 'in a fresh session' : 'as a fresh request';
  return (
    <section ref={ref} className="replay-result" aria-label={composed ? 'Result' : 'Replay result'}>
      <header className="replay-result-head">
        <h3>
          {composed ? 'Sent' : 'Replayed'} {where}
          {result.session && (
            <span className="mono muted" title={result.session}>
              {' '}
              {shortSession(result.session)}
            </span>
          )}
        </h3>
        <span className={state.className}>{state.label}</span>
      </header>
      <dl className="replay-facts">
        <div>
          <dt>New answer</dt>
          <dd>{result.durationMs === null ? '—' : duration(result.durationMs)}</dd>
        </div>
        {!composed && (
          <div>
            <dt>Recorded answer</dt>
            <dd>{result.originalDurationMs === null ? '—' : duration(result.originalDurationMs)}</dd>
          </div>
        )}
        {!composed && (
          <div>
            <dt>Differences</dt>
            <dd>{result.diff.length}</dd>
          </div>
        )}
      </dl>
      <p className="replay-links">
        <Link to={replayRowsLink(result, result.request.id)}>Open the {composed ? 'sent' : 'replayed'} request #{result.request.id}</Link>
        {result.response && <Link to={replayRowsLink(result, result.response.id)}>its answer #{result.response.id}</Link>}
      </p>
      {result.refusedServerRequests.length > 0 && (
        <p className="notice subtle">
          The server asked the client {result.refusedServerRequests.length === 1 ? 'a question' : `${result.refusedServerRequests.length} questions`} during the
          {composed ? ' request' : ' replay'} ({[...new Set(result.refusedServerRequests.map((m) => m.method ?? 'request'))].join(', ')}); a replay has no client to
          answer, so the gateway answered with an error. They are recorded with the replay's other rows.
        </p>
      )}
      {composed ? (
        result.response ? (
          <MessageView message={result.response} />
        ) : (
          <p className="empty-note">No answer came.</p>
        )
      ) : (
        <AnswerDiff
          before={original?.body ?? null}
          after={result.response?.body ?? null}
          diff={result.diff}
          beforeCaption={`Recorded answer${original ? ` #${original.id}` : ''}${result.originalDurationMs === null ? '' : ` · ${duration(result.originalDurationMs)}`}`}
          afterCaption={`New answer${result.response ? ` #${result.response.id}` : ''}${result.durationMs === null ? '' : ` · ${duration(result.durationMs)}`}`}
        />
      )}
    </section>
  );
}
