// The detail pane's "Fault" tab, on a row a fault rule made (injected): what
// the rule did, and side by side what the client (or the upstream) was given
// and what was really sent. The page composes it into the pane (DetailAddon).
import { useQuery } from '@tanstack/react-query';
import type { MessageDetail, MessageRecord } from '@mcp-gateway/gateway/types';
import { useMemo } from 'react';
import { api } from '../api/endpoints.js';
import type { DetailAddon } from '../components/DetailPane.js';
import { MessageView } from '../components/MessageView.js';
import './faults.css';

const FAULT_METHOD = 'gateway/fault';

function effectOf(message: MessageRecord): Record<string, unknown> | null {
  if (message.method !== FAULT_METHOD) return null;
  try {
    return ((JSON.parse(message.body) as { params?: Record<string, unknown> }).params ?? null);
  } catch {
    return null;
  }
}

function FaultPanel({ detail }: { detail: MessageDetail }) {
  const { message } = detail;
  const related = message.relatedId;
  const original = useQuery({ queryKey: ['message', related], queryFn: () => api.message(related as number), enabled: related !== null });
  const effect = effectOf(message);
  const toClient = message.direction === 'server_to_client';
  return (
    <div className="fault-panel">
      <p>
        Made by fault rule <code>{message.injected}</code>.{' '}
        {effect
          ? `It ${String(effect.action)}${effect.ms !== undefined ? ` ${String(effect.ms)} ms` : ''}${effect.outcome ? ` (${String(effect.outcome)})` : ''}${effect.error ? `: ${String(effect.error)}` : ''} the message below, which is recorded as sent.`
          : toClient
            ? 'This is what the client received; beside it, what the server sent (when it was called).'
            : 'This is what the server received; beside it, what the client sent.'}
      </p>
      <div className={effect ? '' : 'fault-compare'}>
        {!effect && (
          <section aria-label={toClient ? 'What the client received' : 'What the server received'}>
            <h3>{toClient ? 'Client received' : 'Server received'} (#{message.id})</h3>
            <MessageView message={message} />
          </section>
        )}
        <section aria-label={effect ? 'The message it acted on' : toClient ? 'What the server sent' : 'What the client sent'}>
          <h3>
            {effect ? 'Acted on' : toClient ? 'Server sent' : 'Client sent'} {related !== null ? `(#${related})` : ''}
          </h3>
          {related === null ? (
            <p className="muted">{toClient ? 'The server was not called: the rule answered instead.' : 'Nothing: the rule made this message up.'}</p>
          ) : original.data ? (
            <MessageView message={original.data.message} />
          ) : (
            <p className="muted">Loading…</p>
          )}
        </section>
      </div>
    </div>
  );
}

/** The fault addon for the detail pane: a tab on injected rows, nothing elsewhere. */
export function useFaultAddon(): DetailAddon {
  return useMemo<DetailAddon>(
    () => ({
      actions: () => null,
      tab: (detail) => (detail.message.injected ? 'Fault' : null),
      panel: (detail) => (detail.message.injected ? <FaultPanel key={detail.message.id} detail={detail} /> : null),
    }),
    [],
  );
}

/** Two addons in one slot: both sets of buttons; the first's tab when it has one, else the second's. */
export function bothAddons(first: DetailAddon, second: DetailAddon): DetailAddon {
  const pick = (detail: MessageDetail): DetailAddon | null => (first.tab(detail) !== null ? first : second.tab(detail) !== null ? second : null);
  return {
    actions: (detail, show) => (
      <>
        {first.actions(detail, show)}
        {second.actions(detail, show)}
      </>
    ),
    tab: (detail) => pick(detail)?.tab(detail) ?? null,
    panel: (detail) => pick(detail)?.panel(detail) ?? null,
  };
}
