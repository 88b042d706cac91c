// The composer: pick a server and one of the tools, prompts or resources it
// listed (its newest recorded list answers), start from params made from the
// schema, check them while typing, and send them in a fresh session. The
// result shows like a replay's, and its rows are recorded as origin "replay".
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/endpoints.js';
import { Choice } from '../components/Choice.js';
import { setSearch, useLocation } from '../router/router.js';
import { replayApi } from './api.js';
import { annotationPairs, isReadOnly, type ServerCatalog } from './catalog.js';
import { ConfirmRun } from './ConfirmRun.js';
import { ParamsEditor } from './ParamsEditor.js';
import { analyzeParams } from './params-text.js';
import { ReplayResultView } from './ReplayResultView.js';
import { useSendFlow } from './send-flow.js';
import { methodOf, optionalFields, startingParams, type CatalogEntry } from './skeleton.js';
import './replay.css';

/** `tool:echo`, `prompt:greet`, `resource:file:///a`, `template:users://{id}`: the selection in the URL. */
const keyOf = (item: CatalogEntry): string => `${item.kind}:${item.kind === 'resource' ? item.entry.uri : item.kind === 'template' ? item.entry.uriTemplate : item.entry.name}`;

function entries(catalog: ServerCatalog): Array<{ title: string; items: CatalogEntry[] }> {
  return [
    { title: 'Tools', items: catalog.tools.map((entry) => ({ kind: 'tool', entry }) as const) },
    { title: 'Prompts', items: catalog.prompts.map((entry) => ({ kind: 'prompt', entry }) as const) },
    { title: 'Resources', items: catalog.resources.map((entry) => ({ kind: 'resource', entry }) as const) },
    { title: 'Resource templates', items: catalog.resourceTemplates.map((entry) => ({ kind: 'template', entry }) as const) },
  ].filter((group) => group.items.length > 0);
}

function label(item: CatalogEntry): string {
  if (item.kind === 'resource') return item.entry.name ?? item.entry.uri;
  if (item.kind === 'template') return item.entry.name ?? item.entry.uriTemplate;
  return item.entry.name;
}

const LIST_METHODS = ['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list'];

/**
 * Asks the server for its lists now (each a composed request, recorded like the
 * rest), so the catalog is there before any client asked, or is current.
 */
function AskForLists({ server, empty }: { server: string; empty: boolean }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<{ busy: boolean; problems: string[] }>({ busy: false, problems: [] });
  const ask = async (): Promise<void> => {
    setState({ busy: true, problems: [] });
    const problems: string[] = [];
    for (const method of LIST_METHODS) {
      try {
        const result = await replayApi.compose(server, { method });
        // A server without prompts or resources answers those lists with an error: only the tools matter here.
        if (result.response?.kind === 'error' && method === 'tools/list') problems.push(`${method}: the server answered with an error`);
      } catch (error) {
        problems.push(`${method}: ${(error as Error).message}`);
        if (method === 'tools/list') break;
      }
    }
    await queryClient.invalidateQueries({ queryKey: ['catalog', server] });
    setState({ busy: false, problems });
  };
  const button = (
    <button type="button" className={empty ? 'primary' : 'small'} disabled={state.busy} onClick={() => void ask()}>
      {state.busy ? 'Asking…' : empty ? `Ask ${server} for its tools, prompts and resources` : `↻ Ask ${server} for its current lists`}
    </button>
  );
  return (
    <div className={empty ? 'notice' : 'compose-refresh'}>
      {empty && (
        <p>
          No list answer of <strong>{server}</strong> is recorded yet, so there is nothing to pick from. Its lists are recorded when a client connected through
          the gateway asks for them, or ask now (in a fresh session):
        </p>
      )}
      {button}
      {state.problems.length > 0 && (
        <ul className="error-text">
          {state.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Form({ server, item }: { server: string; item: CatalogEntry }) {
  const method = methodOf(item);
  const starting = useMemo(() => JSON.stringify(startingParams(item), null, 2), [item]);
  const [text, setText] = useState(starting);
  const catalog = useQuery({ queryKey: ['catalog', server], queryFn: () => replayApi.catalog(server), staleTime: 30_000 });
  const analysis = useMemo(() => analyzeParams(text, method, catalog.data), [text, method, catalog.data]);
  const flow = useSendFlow();
  const { state } = flow;
  const sending = state.step === 'sending';
  const send = (): void => flow.run((confirm) => replayApi.compose(server, { method, params: analysis.value, ...(confirm ? { confirm: true as const } : {}) }), 'fresh');
  const canSend = analysis.valid && analysis.findings.length === 0;
  const schemaOnly = analysis.valid && analysis.findings.length > 0 && analysis.findings.every((finding) => finding.kind === 'schema');
  const optional = item.kind === 'tool' ? optionalFields(item.entry.inputSchema) : [];
  const description = item.entry.description;
  const annotations = item.kind === 'tool' ? annotationPairs(item.entry.annotations) : [];
  return (
    <div className="compose-form">
      <h2>
        <span>{method}</span>
        <span>{label(item)}</span>
        {item.kind === 'tool' &&
          (isReadOnly(item.entry) ? (
            <span className="safety safety-read" title="The server marks it readOnlyHint: true">
              read-only
            </span>
          ) : (
            <span className="safety safety-write" title="The server does not mark it readOnlyHint: true: sending asks first">
              may change things
            </span>
          ))}
      </h2>
      {description && <p className="muted">{description}</p>}
      {annotations.length > 0 && (
        <p className="muted mono">
          {annotations.map(([name, value]) => `${name}: ${value}`).join(' · ')}
        </p>
      )}
      <ParamsEditor id="compose-params" label={`Params of ${method}`} text={text} analysis={analysis} onChange={setText} />
      {optional.length > 0 && (
        <p className="muted optional-fields">
          Optional fields:{' '}
          {optional.map((field, i) => (
            <span key={field.name} title={field.description}>
              {i > 0 && ', '}
              <code>{field.name}</code> ({field.type})
            </span>
          ))}
        </p>
      )}
      <div className="replay-editor-actions">
        <button type="button" className="primary" disabled={!canSend || sending} onClick={send}>
          Send to {server}
        </button>
        {schemaOnly && (
          <button type="button" disabled={sending} title="The recorded schema may be older than the server: send what you typed" onClick={send}>
            Send anyway
          </button>
        )}
        <button type="button" disabled={text === starting} onClick={() => setText(starting)}>
          Start over
        </button>
      </div>
      <p className="muted replay-hint">It goes in a fresh session, like a replay, and is recorded with the server's traffic (filter: origin:replay).</p>
      {state.step === 'sending' && (
        <p className="notice subtle" role="status">
          Sending <code>{method}</code> to {server}…
        </p>
      )}
      {state.step === 'refused' && (
        <p className="notice error-text" role="alert">
          {state.refusal.type === 'redacted' ? 'The params hold a [REDACTED:…] marker: type the real value.' : state.refusal.message}
        </p>
      )}
      {state.step === 'done' && <ReplayResultView result={state.result} original={null} session="fresh" composed />}
      <ConfirmRun refusal={state.step === 'confirm' ? state.refusal : null} again={false} onConfirm={flow.confirm} onCancel={flow.dismiss} />
    </div>
  );
}

export function ComposePage() {
  const { search } = useLocation();
  const servers = useQuery({ queryKey: ['servers'], queryFn: api.servers });
  const names = servers.data?.servers.map((s) => s.name) ?? [];
  const server = search.get('server') ?? names[0] ?? '';
  const catalog = useQuery({ queryKey: ['catalog', server], queryFn: () => replayApi.catalog(server), enabled: server !== '', staleTime: 30_000 });
  const groups = useMemo(() => (catalog.data ? entries(catalog.data) : []), [catalog.data]);
  const all = groups.flatMap((group) => group.items);
  const wanted = search.get('item');
  const selected = all.find((item) => keyOf(item) === wanted) ?? all[0] ?? null;
  const choose = (patch: Record<string, string | null>): void => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setSearch(next, { replace: true });
  };
  useEffect(() => {
    document.title = 'Compose · mcp-gateway';
  }, []);

  return (
    <main className="page">
      <div className="page-head">
        <h1>Compose a request</h1>
        <p className="muted">
          Pick a server and one of the tools, prompts or resources it listed, fill in the params (they start from its schema and are checked while you type), and
          send it. It goes in a fresh session, so no client's session is touched.
        </p>
      </div>
      {servers.isError && <p className="notice error-text">Could not load the servers: {servers.error.message}</p>}
      {servers.isSuccess && names.length === 0 && (
        <div className="empty-panel">
          <p>No server is registered yet: add one on the Servers page first.</p>
        </div>
      )}
      {names.length > 0 && (
        <div className="compose">
          <div className="compose-pick">
            <Choice label="Server" value={server} options={names.map((name) => [name, name])} onChange={(name) => choose({ server: name, item: null })} />
            {catalog.isPending && <p className="muted">Loading what {server} offers…</p>}
            {catalog.isError && <p className="notice error-text">Could not load what {server} offers: {catalog.error.message}</p>}
            {catalog.isSuccess && groups.length === 0 && <AskForLists server={server} empty />}
            {groups.map((group) => (
              <div key={group.title} className="compose-group" role="radiogroup" aria-label={group.title}>
                <h3>
                  {group.title} ({group.items.length})
                </h3>
                <ul className="compose-items">
                  {group.items.map((item) => {
                    const key = keyOf(item);
                    return (
                      <li key={key}>
                        <label className="compose-item">
                          <input type="radio" name="compose-item" checked={selected !== null && keyOf(selected) === key} onChange={() => choose({ item: key })} />
                          <span className="mono">{label(item)}</span>
                          {item.entry.description && <span className="muted">{item.entry.description}</span>}
                        </label>
                      </li>
                    );
                  })}
                </ul>
              </div>
            ))}
            {catalog.isSuccess && groups.length > 0 && <AskForLists server={server} empty={false} />}
          </div>
          {selected ? <Form key={`${server}\u0000${keyOf(selected)}`} server={server} item={selected} /> : <div />}
        </div>
      )}
    </main>
  );
}
