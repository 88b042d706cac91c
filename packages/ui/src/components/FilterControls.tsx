// The filter controls beside the bar: each is a URL parameter.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Direction, MessageKind, ServerView } from '@mcp-gateway/gateway/types';
import { api } from '../api/endpoints.js';
import { shortSession } from '../format/format.js';
import { RANGES, type TrafficView } from '../filter/url.js';
import { Choice } from './Choice.js';

const KINDS: MessageKind[] = ['request', 'response', 'notification', 'error', 'invalid'];

const pad = (n: number): string => String(n).padStart(2, '0');

/** Epoch ms to the value of an <input type="datetime-local"> (local time, seconds). */
export function localInput(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

export function FilterControls({ view, servers, onChange }: { view: TrafficView; servers: ServerView[]; onChange(patch: Partial<TrafficView>): void }) {
  const f = view.filter;
  const sessions = useQuery({ queryKey: ['sessions', 'filter', f.server ?? null], queryFn: () => api.sessions({ server: f.server, limit: 50 }), staleTime: 5000 });
  const stats = useQuery({ queryKey: ['stats', 'methods'], queryFn: () => api.stats(), staleTime: 10_000 });
  const methods = [...new Set((stats.data?.rows ?? []).map((r) => r.method).filter((m): m is string => m !== null))].sort();
  const serverNames = [...new Set([...servers.map((s) => s.name), ...(stats.data?.rows ?? []).map((r) => r.server), ...(f.server ? [f.server] : [])])].sort();
  const [method, setMethod] = useState(f.method ?? '');
  const [custom, setCustom] = useState(view.since !== null || view.until !== null);
  useEffect(() => {
    if (view.since !== null || view.until !== null) setCustom(true);
    else if (view.range !== null) setCustom(false);
  }, [view.since, view.until, view.range]);
  useEffect(() => setMethod(f.method ?? ''), [f.method]);
  const set = (patch: Partial<TrafficView['filter']>): void => onChange({ filter: { ...f, ...patch } });
  const sessionKnown = f.session === undefined || (sessions.data?.sessions ?? []).some((s) => s.sessionId === f.session);

  return (
    <div className="controls" role="group" aria-label="Filters">
      <Choice
        label="Server"
        value={f.server ?? ''}
        options={[['', 'All servers'], ...serverNames.map((name): [string, string] => [name, name])]}
        onChange={(value) => set({ server: value || undefined, session: undefined })}
      />
      <Choice
        label="Session"
        value={f.session ?? ''}
        options={[
          ['', 'All sessions'],
          ...(!sessionKnown && f.session ? [[f.session, shortSession(f.session)] as [string, string]] : []),
          ...(sessions.data?.sessions ?? []).map((s): [string, string] => [
            s.sessionId,
            `${shortSession(s.sessionId)} · ${s.clientName ?? 'unknown client'}${f.server ? '' : ` · ${s.server}`}`,
          ]),
        ]}
        onChange={(value) => set({ session: value || undefined })}
      />
      <label>
        <span>Method</span>
        <input
          aria-label="Method"
          list="known-methods"
          value={method}
          placeholder="any (tools/*)"
          onChange={(e) => setMethod(e.target.value)}
          onBlur={() => method !== (f.method ?? '') && set({ method: method.trim() || undefined })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') set({ method: method.trim() || undefined });
          }}
        />
        <datalist id="known-methods">
          {methods.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </label>
      <Choice
        label="Kind"
        value={f.kind ?? ''}
        options={[['', 'All kinds'], ...KINDS.map((k): [string, string] => [k, k])]}
        onChange={(value) => set({ kind: (value || undefined) as MessageKind | undefined })}
      />
      <Choice
        label="Direction"
        value={f.direction ?? ''}
        options={[
          ['', 'Both ways'],
          ['client_to_server', 'client → server'],
          ['server_to_client', 'server → client'],
        ]}
        onChange={(value) => set({ direction: (value || undefined) as Direction | undefined })}
      />
      <Choice
        label="Time"
        name="Time range"
        value={custom ? 'custom' : (view.range ?? '')}
        options={[['', 'All time'], ...Object.entries(RANGES).map(([key, { label }]): [string, string] => [key, label]), ['custom', 'Custom range…']]}
        onChange={(value) => {
          if (value === 'custom') {
            setCustom(true);
            // Start from the last hour, as absolute times the user can then move.
            onChange({ range: null, since: view.since ?? Date.now() - 3_600_000, until: view.until });
          } else {
            setCustom(false);
            onChange({ range: value || null, since: null, until: null });
          }
        }}
      />
      {custom && (
        <>
          <label>
            <span>From</span>
            <input
              type="datetime-local"
              aria-label="From"
              step={1}
              value={localInput(view.since)}
              onChange={(e) => onChange({ range: null, since: fromLocalInput(e.target.value), until: view.until })}
            />
          </label>
          <label>
            <span>To</span>
            <input
              type="datetime-local"
              aria-label="To"
              step={1}
              value={localInput(view.until)}
              onChange={(e) => onChange({ range: null, since: view.since, until: fromLocalInput(e.target.value) })}
            />
          </label>
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={f.errors === true} onChange={(e) => set({ errors: e.target.checked || undefined })} />
        Errors only
      </label>
    </div>
  );
}
