// /servers/<name>/definitions: every distinct version of a server's
// initialize answer and lists, its baselines, a diff between any two
// versions, and accepting the latest lists as the new baseline.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DefinitionEntry, DefinitionKind, DefinitionVersion } from '@mcp-gateway/gateway/types';
import { diffLines } from 'diff';
import { useState } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { dateTime } from '../format/format.js';
import { Link } from '../router/router.js';
import { ALERTS_KEY, alertsApi } from './api.js';
import { Visible } from './text.js';
import './alerts.css';

const KIND_LABEL: Record<DefinitionKind, string> = {
  initialize: 'initialize answer',
  tools: 'tools',
  prompts: 'prompts',
  resources: 'resources',
  resourceTemplates: 'resource templates',
};
const KINDS = Object.keys(KIND_LABEL) as DefinitionKind[];

function EntryDiff({ before, after }: { before: DefinitionEntry | undefined; after: DefinitionEntry | undefined }) {
  const a = before ? `${JSON.stringify(before.definition, null, 2)}\n` : '';
  const b = after ? `${JSON.stringify(after.definition, null, 2)}\n` : '';
  const status = !before ? 'added' : !after ? 'removed' : 'changed';
  return (
    <details className={`entry-diff entry-${status}`} open={status === 'changed'}>
      <summary>
        <span className={`entry-status entry-status-${status}`}>{status}</span> <span className="mono">{(after ?? before)?.key}</span>
      </summary>
      <pre className="text-diff">
        {diffLines(a, b).map((part, i) => (
          <span key={i} className={part.added ? 'adiff-add' : part.removed ? 'adiff-del' : 'adiff-same'}>
            <Visible text={part.value} />
          </span>
        ))}
      </pre>
    </details>
  );
}

function VersionDiff({ from, to }: { from: string; to: string }) {
  const a = useQuery({ queryKey: ['definitions', 'set', from], queryFn: () => alertsApi.definitionSet(from), staleTime: Infinity });
  const b = useQuery({ queryKey: ['definitions', 'set', to], queryFn: () => alertsApi.definitionSet(to), staleTime: Infinity });
  if (a.isError || b.isError) return <p className="notice error-text">Could not load a version: {(a.error ?? b.error)?.message}</p>;
  if (!a.data || !b.data) return <p className="empty-note">Loading…</p>;
  const before = new Map(a.data.entries.map((e) => [e.key, e]));
  const after = new Map(b.data.entries.map((e) => [e.key, e]));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changed = keys.filter((k) => before.get(k)?.hash !== after.get(k)?.hash);
  return (
    <div className="version-diff" role="region" aria-label="Definition diff">
      <p className="muted">
        {changed.length === 0 ? 'No differences.' : `${changed.length} of ${keys.length} entr${keys.length === 1 ? 'y differs' : 'ies differ'}`}
        {changed.length > 0 && keys.length > changed.length ? `; ${keys.length - changed.length} unchanged.` : ''}
      </p>
      {changed.map((key) => (
        <EntryDiff key={key} before={before.get(key)} after={after.get(key)} />
      ))}
    </div>
  );
}

function KindHistory({ server, kind, versions, baseline }: { server: string; kind: DefinitionKind; versions: DefinitionVersion[]; baseline: string | undefined }) {
  const latest = versions[versions.length - 1]?.hash ?? '';
  const [from, setFrom] = useState(baseline && baseline !== latest ? baseline : (versions[Math.max(0, versions.length - 2)]?.hash ?? ''));
  const [to, setTo] = useState(latest);
  const label = (v: DefinitionVersion, i: number): string =>
    `v${i + 1} · ${v.hash.slice(0, 12)} · ${v.count} entr${v.count === 1 ? 'y' : 'ies'}${v.hash === baseline ? ' · baseline' : ''}`;
  return (
    <section className="card kind-history" aria-label={`History of ${KIND_LABEL[kind]}`}>
      <header className="card-head">
        <h2>{KIND_LABEL[kind]}</h2>
        <span className="badge">
          {versions.length} version{versions.length === 1 ? '' : 's'}
        </span>
      </header>
      <table className="versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Entries</th>
            <th scope="col">First seen</th>
            <th scope="col">Last seen</th>
            <th scope="col">Sessions</th>
            <th scope="col">Clients</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v, i) => (
            <tr key={v.hash}>
              <td className="mono">
                v{i + 1} {v.hash.slice(0, 12)} {v.hash === baseline && <span className="badge baseline-badge">baseline</span>}
              </td>
              <td>{v.count}</td>
              <td>{dateTime(v.firstSeen)}</td>
              <td>
                <Link to={`/?server=${encodeURIComponent(server)}&sel=${v.lastMessageId}&open=1`}>{dateTime(v.lastSeen)}</Link>
              </td>
              <td>{v.sessions}</td>
              <td>{v.clients.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {versions.length > 1 ? (
        <>
          <div className="controls compare">
            <label>
              Compare{' '}
              <select aria-label={`${KIND_LABEL[kind]}: from version`} value={from} onChange={(e) => setFrom(e.target.value)}>
                {versions.map((v, i) => (
                  <option key={v.hash} value={v.hash}>
                    {label(v, i)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              with{' '}
              <select aria-label={`${KIND_LABEL[kind]}: to version`} value={to} onChange={(e) => setTo(e.target.value)}>
                {versions.map((v, i) => (
                  <option key={v.hash} value={v.hash}>
                    {label(v, i)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {from && to && <VersionDiff from={from} to={to} />}
        </>
      ) : (
        <p className="empty-note">One version so far: nothing to compare.</p>
      )}
    </section>
  );
}

export function DefinitionsPage({ server }: { server: string }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const history = useQuery({ queryKey: ['definitions', 'history', server], queryFn: () => alertsApi.definitions(server) });
  const accept = useMutation({
    mutationFn: () => alertsApi.acceptBaseline(server),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['definitions'] });
      void queryClient.invalidateQueries({ queryKey: [ALERTS_KEY] });
    },
  });
  const data = history.data;
  const baselines = new Map((data?.baselines ?? []).map((b) => [b.kind, b.hash]));
  const drifted = data ? KINDS.some((k) => {
    const versions = data.versions.filter((v) => v.kind === k);
    return versions.length > 0 && versions[versions.length - 1]?.hash !== baselines.get(k);
  }) : false;
  return (
    <main className="page definitions-page">
      <div className="page-head">
        <p>
          <Link to="/servers">Servers</Link> / <span className="mono">{server}</span>
        </p>
        <h1>Definitions of {server}</h1>
        <p>
          Each distinct version of what the server announced, in canonical form (keys sorted, the spec's annotation defaults applied). Later lists
          are compared with the baseline; <Link to={`/alerts?server=${encodeURIComponent(server)}`}>its alerts</Link> say what changed.
        </p>
        <div className="controls">
          <button type="button" className={drifted ? 'primary' : ''} disabled={!data || data.versions.length === 0 || accept.isPending} onClick={() => setConfirming(true)}>
            Accept current as baseline
          </button>
          {accept.isSuccess && <span className="ok-text">Accepted: later lists are compared with these.</span>}
          {accept.isError && <span className="error-text">{accept.error.message}</span>}
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Accept the current definitions of ${server}?`}
        confirmLabel="Accept as baseline"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          accept.mutate();
        }}
      >
        <p>
          The server's most recent complete lists become what later ones are compared with. Do this when you expected the change (you updated the
          server). Alerts raised so far stay listed. The act is recorded in the audit log.
        </p>
      </ConfirmDialog>
      {history.isError && <p className="notice error-text">Could not load the definitions: {history.error.message}</p>}
      {data && data.versions.length === 0 && (
        <div className="empty-panel">
          <h2>Nothing recorded yet</h2>
          <p>
            Connect a client to <code>/s/{server}/mcp</code>; the first complete list of its tools becomes the baseline.
          </p>
        </div>
      )}
      {data &&
        KINDS.map((kind) => {
          const versions = data.versions.filter((v) => v.kind === kind);
          return versions.length > 0 ? <KindHistory key={kind} server={server} kind={kind} versions={versions} baseline={baselines.get(kind)} /> : null;
        })}
    </main>
  );
}
