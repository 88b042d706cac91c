// Messages held by pause rules: each with its JSON editable, and Continue
// (as held), Continue edited, or Abort (the client gets a JSON-RPC error).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BreakpointView } from '@mcp-gateway/gateway/types';
import { useEffect, useState } from 'react';
import { faultsApi } from './api.js';

function secondsLeft(view: BreakpointView, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(view.timeoutAt) - now) / 1000));
}

function Held({ view }: { view: BreakpointView }) {
  const queryClient = useQueryClient();
  const original = JSON.stringify(view.message, null, 2);
  const [text, setText] = useState(original);
  const [now, setNow] = useState(Date.now());
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  let edited: unknown;
  let parseError: string | null = null;
  try {
    edited = JSON.parse(text) as unknown;
  } catch (error) {
    parseError = (error as Error).message;
  }
  const changed = text !== original;
  const done = () => void queryClient.invalidateQueries({ queryKey: ['breakpoints'] });
  const resolve = useMutation({
    mutationFn: (how: 'continue' | 'edited' | 'abort') =>
      how === 'abort' ? faultsApi.abort(view.id) : faultsApi.continue(view.id, how === 'edited' ? edited : undefined),
    onSuccess: done,
    onError: (error) => {
      setProblem(error.message);
      done();
    },
  });
  const direction = view.direction === 'client_to_server' ? 'request, before the server' : 'answer, before the client';
  return (
    <article className="card breakpoint" aria-label={`Breakpoint ${view.id}`}>
      <div className="card-head">
        <h3>
          Held {direction} · <code>{view.server}</code> · rule <code>{view.ruleId}</code>
        </h3>
        <span className="muted">continues unchanged in {secondsLeft(view, now)} s</span>
      </div>
      <textarea
        className="mono breakpoint-json"
        aria-label="Held message (JSON, editable)"
        spellCheck={false}
        rows={Math.min(18, original.split('\n').length + 1)}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {parseError && changed && <p className="fault-problem">Not JSON: {parseError}</p>}
      <div className="card-actions">
        <button type="button" onClick={() => resolve.mutate('continue')} disabled={resolve.isPending}>
          Continue
        </button>
        <button type="button" className="primary" onClick={() => resolve.mutate('edited')} disabled={resolve.isPending || !changed || parseError !== null}>
          Continue edited
        </button>
        <button type="button" className="danger-outline" onClick={() => resolve.mutate('abort')} disabled={resolve.isPending}>
          Abort
        </button>
        {problem && <span className="fault-problem">{problem}</span>}
      </div>
    </article>
  );
}

export function BreakpointList({ held }: { held: BreakpointView[] }) {
  if (held.length === 0) return <p className="muted">No message is held. A rule with the action “pause” holds the next one it matches here.</p>;
  return (
    <div className="breakpoints">
      {held.map((view) => (
        <Held key={view.id} view={view} />
      ))}
    </div>
  );
}
