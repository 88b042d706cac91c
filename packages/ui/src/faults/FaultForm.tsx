// The form that adds a fault rule: the server, what to do (with that action's
// own fields), what to match, and how often. Adding a delay to one tool is one
// form: server, tool, milliseconds, Add.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FaultAction } from '@mcp-gateway/gateway/types';
import { useState, type FormEvent } from 'react';
import { api } from '../api/endpoints.js';
import { faultsApi } from './api.js';

type ActionType = FaultAction['type'];

const ACTIONS: Array<[ActionType, string]> = [
  ['delay', 'delay: hold the request (or the answer) for a while'],
  ['error', 'error: answer with a JSON-RPC error, without calling the server'],
  ['toolError', 'toolError: answer a tools/call with an isError result'],
  ['hang', 'hang: send nothing back until the client gives up'],
  ['http', 'http: answer with an HTTP status (429, 500, 503, 404 for a lost session)'],
  ['cut', 'cut: close the SSE answer stream after some events (clients may resume)'],
  ['reset', 'reset: drop the connection after the server answered'],
  ['drop', 'drop: lose a notification'],
  ['rewrite', 'rewrite: change the answer with JSON Patch (e.g. a tool description)'],
  ['pause', 'pause: hold the message here until you continue, edit or abort it'],
];

export interface Fields {
  server: string;
  type: ActionType;
  method: string;
  tool: string;
  direction: '' | 'client_to_server' | 'server_to_client';
  session: string;
  times: string;
  probability: string;
  ttl: string;
  ms: string;
  jitter: string;
  on: '' | 'request' | 'response';
  code: string;
  message: string;
  text: string;
  status: string;
  headers: string;
  body: string;
  afterEvents: string;
  patch: string;
  timeoutMs: string;
  onlyNext: boolean;
}

const EMPTY: Fields = {
  server: '', type: 'delay', method: '', tool: '', direction: '', session: '', times: '', probability: '', ttl: '', ms: '2000', jitter: '', on: '',
  code: '', message: '', text: '', status: '429', headers: 'Retry-After: 5', body: '', afterEvents: '1',
  patch: '[{"op": "replace", "path": "/result/tools/0/description", "value": "changed by a fault rule"}]', timeoutMs: '', onlyNext: false,
};

/** The rule the fields describe; a message naming the field when one does not parse. */
export function ruleOf(f: Fields): { rule: Record<string, unknown> } | { error: string } {
  const num = (label: string, value: string): number | undefined => {
    if (value.trim() === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`${label} must be a number`);
    return n;
  };
  try {
    const action: Record<string, unknown> = { type: f.type };
    const put = (key: string, value: unknown): void => {
      if (value !== undefined && value !== '') action[key] = value;
    };
    if (f.type === 'delay') {
      put('ms', num('Milliseconds', f.ms));
      put('jitterMs', num('Jitter', f.jitter));
      put('on', f.on || undefined);
    } else if (f.type === 'error') {
      put('code', num('Code', f.code));
      put('message', f.message);
    } else if (f.type === 'toolError') put('text', f.text);
    else if (f.type === 'http') {
      put('status', num('Status', f.status));
      const headers: Record<string, string> = {};
      for (const line of f.headers.split('\n').filter((l) => l.trim() !== '')) {
        const colon = line.indexOf(':');
        if (colon < 1) throw new Error(`Headers: write each as "Name: value" (got "${line}")`);
        headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      if (Object.keys(headers).length > 0) action.headers = headers;
      put('body', f.body);
    } else if (f.type === 'cut') put('afterEvents', num('After events', f.afterEvents));
    else if (f.type === 'rewrite') {
      try {
        action.patch = JSON.parse(f.patch) as unknown;
      } catch (error) {
        throw new Error(`Patch must be a JSON array of JSON Patch operations (${(error as Error).message})`);
      }
    } else if (f.type === 'pause') {
      put('timeoutMs', num('Timeout', f.timeoutMs));
      if (f.onlyNext) action.onlyNext = true;
    }
    const match: Record<string, string> = {};
    if (f.method.trim()) match.method = f.method.trim();
    if (f.tool.trim()) match.tool = f.tool.trim();
    if (f.direction) match.direction = f.direction;
    if (f.session.trim()) match.session = f.session.trim();
    const rule: Record<string, unknown> = { server: f.server, action };
    if (Object.keys(match).length > 0) rule.match = match;
    const times = num('Times', f.times);
    const probability = num('Probability', f.probability);
    const ttl = num('Expires after', f.ttl);
    if (times !== undefined) rule.times = times;
    if (probability !== undefined) rule.probability = probability;
    if (ttl !== undefined) rule.ttlSeconds = ttl;
    return { rule };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function Text({ label, value, onChange, placeholder, wide }: { label: string; value: string; onChange(v: string): void; placeholder?: string; wide?: boolean }) {
  return (
    <label className={wide ? 'fault-field wide' : 'fault-field'}>
      {label}
      <input aria-label={label} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

export function FaultForm() {
  const queryClient = useQueryClient();
  const servers = useQuery({ queryKey: ['servers'], queryFn: api.servers });
  const [f, setF] = useState<Fields>(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof Fields>(key: K) => (value: Fields[K]) => setF((old) => ({ ...old, [key]: value }));
  const names = servers.data?.servers.map((s) => s.name) ?? [];
  const server = f.server || names[0] || '';
  const add = useMutation({
    mutationFn: faultsApi.add,
    onSuccess: () => {
      setProblem(null);
      void queryClient.invalidateQueries({ queryKey: ['faults'] });
    },
    onError: (error) => setProblem(error.message),
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const made = ruleOf({ ...f, server });
    if ('error' in made) setProblem(made.error);
    else add.mutate(made.rule);
  };
  return (
    <form className="card fault-form" onSubmit={submit} aria-label="Add a fault rule">
      <div className="card-head">
        <h2>Add a rule</h2>
      </div>
      <div className="fault-grid">
        <label className="fault-field">
          Server
          <select aria-label="Server" value={server} onChange={(e) => set('server')(e.target.value)}>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
            <option value="*">every server (*)</option>
          </select>
        </label>
        <label className="fault-field wide">
          Action
          <select aria-label="Action" value={f.type} onChange={(e) => set('type')(e.target.value as ActionType)}>
            {ACTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {f.type === 'delay' && (
          <>
            <Text label="Milliseconds" value={f.ms} onChange={set('ms')} />
            <Text label="Jitter (ms)" value={f.jitter} onChange={set('jitter')} placeholder="0" />
            <label className="fault-field">
              On
              <select aria-label="On" value={f.on} onChange={(e) => set('on')(e.target.value as Fields['on'])}>
                <option value="">the request</option>
                <option value="response">the answer</option>
              </select>
            </label>
          </>
        )}
        {f.type === 'error' && (
          <>
            <Text label="Code" value={f.code} onChange={set('code')} placeholder="-32603" />
            <Text label="Message" value={f.message} onChange={set('message')} wide />
          </>
        )}
        {f.type === 'toolError' && <Text label="Text" value={f.text} onChange={set('text')} wide />}
        {f.type === 'http' && (
          <>
            <Text label="Status" value={f.status} onChange={set('status')} />
            <label className="fault-field wide">
              Headers (one "Name: value" a line)
              <textarea rows={2} value={f.headers} onChange={(e) => set('headers')(e.target.value)} />
            </label>
            <Text label="Body" value={f.body} onChange={set('body')} wide />
          </>
        )}
        {f.type === 'cut' && <Text label="After events" value={f.afterEvents} onChange={set('afterEvents')} />}
        {f.type === 'rewrite' && (
          <label className="fault-field wide">
            Patch (RFC 6902, on the JSON-RPC message)
            <textarea rows={3} className="mono" value={f.patch} onChange={(e) => set('patch')(e.target.value)} />
          </label>
        )}
        {f.type === 'pause' && (
          <>
            <Text label="Timeout (ms)" value={f.timeoutMs} onChange={set('timeoutMs')} placeholder="60000" />
            <label className="fault-field check">
              <input type="checkbox" checked={f.onlyNext} onChange={(e) => set('onlyNext')(e.target.checked)} /> only the next message
            </label>
          </>
        )}
      </div>
      <fieldset className="fault-grid">
        <legend>Match (all optional)</legend>
        <Text label="Method" value={f.method} onChange={set('method')} placeholder="tools/call or tools/*" />
        <Text label="Tool" value={f.tool} onChange={set('tool')} />
        <label className="fault-field">
          Direction
          <select aria-label="Direction" value={f.direction} onChange={(e) => set('direction')(e.target.value as Fields['direction'])}>
            <option value="">what the action acts on</option>
            <option value="client_to_server">requests (client → server)</option>
            <option value="server_to_client">answers (server → client)</option>
          </select>
        </label>
        <Text label="Session" value={f.session} onChange={set('session')} />
        <Text label="Times" value={f.times} onChange={set('times')} placeholder="always" />
        <Text label="Probability" value={f.probability} onChange={set('probability')} placeholder="1" />
        <Text label="Expires after (s)" value={f.ttl} onChange={set('ttl')} placeholder="never" />
      </fieldset>
      <div className="card-actions">
        <button type="submit" className="primary" disabled={add.isPending || !server}>
          Add rule
        </button>
        {problem && (
          <span className="fault-problem" role="alert">
            {problem}
          </span>
        )}
      </div>
    </form>
  );
}
