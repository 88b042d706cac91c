// One send of a replay or a composed request, and what its answer asks of
// the user: a confirmation for a tool that is not read-only (the same send is
// repeated with confirm: true), a form for masked secrets, a fresh session
// when the live one is gone, or an error to read.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import type { ReplayResult, ReplaySessionMode } from '@mcp-gateway/gateway/types';
import { refusalOf, type Refusal } from './api.js';

export type ConfirmRefusal = Extract<Refusal, { type: 'confirm' }>;

/** `confirm`: whether the user already agreed to run a tool that is not read-only. */
export type Send = (confirm: boolean) => Promise<ReplayResult>;

export type FlowState =
  | { step: 'idle' }
  | { step: 'sending'; session: ReplaySessionMode }
  | { step: 'confirm'; refusal: ConfirmRefusal; session: ReplaySessionMode }
  | { step: 'refused'; refusal: Exclude<Refusal, { type: 'confirm' }>; session: ReplaySessionMode }
  | { step: 'done'; result: ReplayResult; session: ReplaySessionMode };

export interface SendFlow {
  state: FlowState;
  run(send: Send, session: ReplaySessionMode): void;
  /** Repeats the send the confirmation was asked for, with confirm: true. */
  confirm(): void;
  /** Drops a pending confirmation (the dialog's Cancel, or its close after Confirm: then a no-op). */
  dismiss(): void;
  reset(): void;
}

export function useSendFlow(): SendFlow {
  const queryClient = useQueryClient();
  const [state, setState] = useState<FlowState>({ step: 'idle' });
  // Only the newest send may set the state: an older answer arriving late is dropped.
  const generation = useRef(0);
  const pending = useRef<{ send: Send; session: ReplaySessionMode } | null>(null);

  const start = useCallback(
    (send: Send, session: ReplaySessionMode, confirmed: boolean): void => {
      const mine = ++generation.current;
      pending.current = { send, session };
      setState({ step: 'sending', session });
      send(confirmed).then(
        (result) => {
          if (mine !== generation.current) return;
          setState({ step: 'done', result, session });
          // The send opened a session and recorded rows: lists that count them are stale.
          void queryClient.invalidateQueries({ queryKey: ['sessions'] });
          void queryClient.invalidateQueries({ queryKey: ['catalog'] });
        },
        (error: unknown) => {
          if (mine !== generation.current) return;
          const refusal = refusalOf(error);
          if (refusal.type === 'confirm') {
            // Asked although already confirmed: show it as a failure instead of asking forever.
            setState(confirmed ? { step: 'refused', refusal: { type: 'failed', code: 'confirmation_required', status: 409, message: refusal.message }, session } : { step: 'confirm', refusal, session });
          } else {
            setState({ step: 'refused', refusal, session });
          }
        },
      );
    },
    [queryClient],
  );

  const run = useCallback((send: Send, session: ReplaySessionMode) => start(send, session, false), [start]);
  const confirm = useCallback(() => {
    if (pending.current) start(pending.current.send, pending.current.session, true);
  }, [start]);
  const dismiss = useCallback(() => setState((current) => (current.step === 'confirm' ? { step: 'idle' } : current)), []);
  const reset = useCallback(() => {
    generation.current++;
    setState({ step: 'idle' });
  }, []);
  return { state, run, confirm, dismiss, reset };
}
