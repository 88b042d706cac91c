// Replay in the detail pane: the Replay and Edit and resend buttons beside
// the copy actions, and a Replay tab with the params editor, the answers side
// by side, and whatever the gateway asks first (confirm a tool that is not
// read-only, type masked secrets, use a fresh session when the live one ended).
// The page composes it into the pane (DetailAddon), so the pane imports no feature.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MessageDetail, MessageRecord, ReplaySessionMode } from '@mcp-gateway/gateway/types';
import type { DetailAddon } from '../components/DetailPane.js';
import { replayApi, type Refusal } from './api.js';
import { findTool, isReplayable } from './catalog.js';
import { ConfirmRun } from './ConfirmRun.js';
import { ParamsEditor } from './ParamsEditor.js';
import { analyzeParams } from './params-text.js';
import { ReplayResultView } from './ReplayResultView.js';
import { useSendFlow } from './send-flow.js';
import { optionalFields } from './skeleton.js';
import './replay.css';

type Action = 'replay' | 'edit';

interface Launch {
  id: number;
  action: Action;
  /** Grows on every click, so the same button clicked again sends again. */
  nonce: number;
}

/** The client request a replay re-sends: the message itself, or the request the selected answer answers. */
export function replayTarget(detail: MessageDetail): MessageRecord | null {
  const { message, pair } = detail;
  const isClientRequest = (m: MessageRecord | null): boolean => m !== null && m.direction === 'client_to_server' && m.kind === 'request';
  const isAnswer = message.kind === 'response' || message.kind === 'error';
  const candidate = isClientRequest(message) ? message : isAnswer && isClientRequest(pair) ? pair : null;
  return candidate && isReplayable(candidate.method) ? candidate : null;
}

function recordedParams(body: string): unknown {
  try {
    return (JSON.parse(body) as { params?: unknown }).params;
  } catch {
    return undefined;
  }
}

function ReplayButtons({ request, live, onLive, onStart }: { request: MessageRecord; live: boolean; onLive(live: boolean): void; onStart(action: Action): void }) {
  const cut = request.truncated ? 'The stored request was cut short (bodies are kept up to 1 MiB): it cannot be sent again' : null;
  return (
    <span className="replay-actions" role="group" aria-label="Replay">
      <button type="button" disabled={cut !== null} title={cut ?? `Send this ${request.method} to ${request.server} again and compare the answers`} onClick={() => onStart('replay')}>
        ↻ Replay
      </button>
      <button type="button" disabled={cut !== null} title={cut ?? 'Change the params, then send'} onClick={() => onStart('edit')}>
        ✎ Edit and resend
      </button>
      {request.sessionId !== null && (
        <label className="check" title="Send it in the original session, if the server still holds it. Off: a fresh session, opened as the original client opened its own">
          <input type="checkbox" checked={live} onChange={(event) => onLive(event.target.checked)} />
          Live session
        </label>
      )}
    </span>
  );
}

const FAILURE_TITLES: Record<string, string> = {
  not_replayable: 'This request cannot be replayed.',
  truncated_params: 'The stored request was cut short.',
  upstream_unauthorized: 'The server refused the replay (401).',
  upstream_failed: 'The server could not answer the replay.',
  unknown_server: 'The server is no longer registered.',
  not_found: 'The recorded request is gone.',
  unavailable: 'Replay is not available.',
};

function Failure({ refusal }: { refusal: Extract<Refusal, { type: 'failed' }> }) {
  return (
    <div className="notice error-text" role="alert">
      <strong>{FAILURE_TITLES[refusal.code] ?? 'The replay failed.'}</strong> {refusal.message}
    </div>
  );
}

function ReplayPanel({ detail, request, launch, live }: { detail: MessageDetail; request: MessageRecord; launch: Launch | null; live: boolean }) {
  const original = request.id === detail.message.id ? detail.pair : detail.message;
  const method = request.method ?? '';
  const recorded = useMemo(() => JSON.stringify(recordedParams(request.body) ?? {}, null, 2), [request.body]);
  const [editor, setEditor] = useState<{ text: string; redacted: string[] | null; invalid: string | null } | null>(null);
  const flow = useSendFlow();
  const catalog = useQuery({ queryKey: ['catalog', request.server], queryFn: () => replayApi.catalog(request.server), enabled: editor !== null, staleTime: 30_000 });
  const analysis = useMemo(() => (editor ? analyzeParams(editor.text, method, catalog.data) : null), [editor, method, catalog.data]);
  const session: ReplaySessionMode = live && request.sessionId !== null ? 'live' : 'fresh';
  // The params of the newest send (undefined: as recorded), to send again in a fresh session when the live one is gone.
  const lastParams = useRef<unknown>(undefined);

  const send = (params: unknown, mode: ReplaySessionMode): void => {
    lastParams.current = params;
    flow.run((confirm) => replayApi.replay(request.id, { ...(params === undefined ? {} : { params }), session: mode, ...(confirm ? { confirm: true as const } : {}) }), mode);
  };

  useEffect(() => {
    if (!launch) return;
    if (launch.action === 'replay') {
      setEditor(null);
      send(undefined, session);
    } else {
      setEditor((current) => current ?? { text: recorded, redacted: null, invalid: null });
    }
    // Each click once; `session` and `recorded` are read as they are at that click.
  }, [launch?.nonce]); // eslint-disable-line react-hooks/exhaustive-deps

  // Refusals that the editor answers: masked secrets to type, params the server could not use.
  const { state } = flow;
  useEffect(() => {
    if (state.step !== 'refused') return;
    const { refusal } = state;
    if (refusal.type === 'redacted') setEditor((current) => ({ text: current?.text ?? recorded, redacted: refusal.paths, invalid: null }));
    if (refusal.type === 'invalid') setEditor((current) => ({ text: current?.text ?? recorded, redacted: current?.redacted ?? null, invalid: refusal.message }));
  }, [state, recorded]);

  const tool = method === 'tools/call' && analysis?.valid ? findTool(catalog.data, (analysis.value as { name?: unknown } | null)?.name) : undefined;
  const optional = tool ? optionalFields(tool.inputSchema) : [];
  const schemaOnly = analysis !== null && analysis.valid && analysis.findings.length > 0 && analysis.findings.every((finding) => finding.kind === 'schema');
  const canSend = analysis !== null && analysis.valid && analysis.findings.length === 0;
  const sending = state.step === 'sending';

  return (
    <div className="replay-panel">
      {editor && analysis && (
        <section className="replay-editor" aria-label="Edit and resend">
          <h3>Edit and resend</h3>
          {editor.redacted && (
            <div className="notice warn-notice" role="alert">
              <p>
                <strong>The stored copy has secrets masked.</strong> The gateway replaced them with <code>[REDACTED:…]</code> markers before storing the request, and
                never sends a marker to a server. Type the real values in place of the markers, then send:
              </p>
              <ul className="redacted-paths">
                {editor.redacted.map((path) => (
                  <li key={path}>
                    <code>{path}</code>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {editor.invalid && <p className="notice error-text">The gateway could not use these params: {editor.invalid}</p>}
          <p className="muted replay-hint">
            The params of this <code>{method}</code> as recorded. They are checked {analysis.checked ? `against ${analysis.checked}` : 'as JSON'} while you type; the
            request goes to <strong>{request.server}</strong> {session === 'live' ? 'in the original session' : 'in a fresh session'}.
          </p>
          <ParamsEditor id={`replay-params-${request.id}`} label={`Params of ${method}`} text={editor.text} analysis={analysis} onChange={(text) => setEditor({ ...editor, text })} />
          {optional.length > 0 && (
            <p className="muted optional-fields">
              Optional fields of <code>{tool?.name}</code>:{' '}
              {optional.map((field, i) => (
                <span key={field.name} title={field.description}>
                  {i > 0 && ', '}
                  <code>{field.name}</code> ({field.type})
                </span>
              ))}
            </p>
          )}
          <div className="replay-editor-actions">
            <button type="button" className="primary" disabled={!canSend || sending} onClick={() => send(analysis.value, session)}>
              {session === 'live' ? 'Send in the live session' : 'Send'}
            </button>
            {schemaOnly && (
              <button type="button" disabled={sending} title="The recorded schema may be older than the server: send what you typed" onClick={() => send(analysis.value, session)}>
                Send anyway
              </button>
            )}
            <button type="button" disabled={editor.text === recorded} onClick={() => setEditor({ ...editor, text: recorded })}>
              Reset to recorded
            </button>
            <button type="button" onClick={() => setEditor(null)}>
              Close the editor
            </button>
          </div>
        </section>
      )}
      {state.step === 'sending' && (
        <p className="notice subtle" role="status">
          Sending <code>{method}</code> to {request.server} {state.session === 'live' ? 'in the original session' : 'in a fresh session'}…
        </p>
      )}
      {state.step === 'refused' && state.refusal.type === 'session-gone' && (
        <div className="notice" role="alert">
          <p>
            <strong>The original session has ended:</strong> {request.server} no longer holds it, so the request cannot be sent in it. A fresh session opens the way
            the original client opened its own.
          </p>
          <button type="button" className="primary" onClick={() => send(lastParams.current, 'fresh')}>
            Replay in a fresh session
          </button>
        </div>
      )}
      {state.step === 'refused' && state.refusal.type === 'failed' && <Failure refusal={state.refusal} />}
      {state.step === 'done' && <ReplayResultView result={state.result} original={original} session={state.session} />}
      <ConfirmRun refusal={state.step === 'confirm' ? state.refusal : null} again onConfirm={flow.confirm} onCancel={flow.dismiss} />
    </div>
  );
}

/** The replay addon for the detail pane; one per page, so the live-session choice carries from message to message. */
export function useReplayAddon(): DetailAddon {
  const [launch, setLaunch] = useState<Launch | null>(null);
  const [live, setLive] = useState(false);
  const nonce = useRef(0);
  return useMemo<DetailAddon>(
    () => ({
      actions: (detail, show) => {
        const request = replayTarget(detail);
        if (!request) return null;
        const start = (action: Action): void => {
          setLaunch({ id: detail.message.id, action, nonce: ++nonce.current });
          show();
        };
        return <ReplayButtons request={request} live={live} onLive={setLive} onStart={start} />;
      },
      tab: (detail) => (launch?.id === detail.message.id && replayTarget(detail) ? 'Replay' : null),
      panel: (detail) => {
        const request = replayTarget(detail);
        if (!request) return null;
        return <ReplayPanel key={detail.message.id} detail={detail} request={request} launch={launch?.id === detail.message.id ? launch : null} live={live} />;
      },
    }),
    [launch, live],
  );
}
