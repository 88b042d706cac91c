// Add or edit a server: Streamable HTTP (or legacy SSE) by URL, or stdio by command.
import { useState, type FormEvent } from 'react';
import type { ServerView } from '@mcp-gateway/gateway/types';
import type { ServerEntry } from '../api/endpoints.js';
import { shellQuote } from '../format/curl.js';

type Transport = 'http' | 'sse' | 'stdio';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** `Name: value` lines (headers) or `KEY=VALUE` lines (env) to a record; returns the first bad line as an error. */
export function parsePairs(text: string, separator: ':' | '='): { value: Record<string, string>; error: string | null } {
  const value: Record<string, string> = {};
  for (const line of lines(text)) {
    const at = line.indexOf(separator);
    if (at <= 0) return { value, error: `"${line}" is not ${separator === ':' ? 'Name: value' : 'KEY=VALUE'}` };
    value[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { value, error: null };
}

const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : shellQuote(word));

/** The command line a stdio server runs with, as a shell would show it. */
export function commandLine(command: string, args: string[]): string {
  return [command, ...args].filter((w) => w !== '').map(shellWord).join(' ');
}

export function ServerForm({ existing, taken, onSubmit, onCancel }: {
  existing: ServerView | null;
  /** Names already registered (a new server must not reuse one). */
  taken: string[];
  onSubmit(name: string, entry: ServerEntry): Promise<void>;
  onCancel(): void;
}) {
  const [name, setName] = useState(existing?.name ?? '');
  const [transport, setTransport] = useState<Transport>(existing?.type ?? 'http');
  const [url, setUrl] = useState(existing?.url ?? '');
  const [headers, setHeaders] = useState(Object.entries(existing?.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n'));
  const [command, setCommand] = useState(existing?.command ?? '');
  const [args, setArgs] = useState((existing?.args ?? []).join('\n'));
  const [env, setEnv] = useState(Object.entries(existing?.env ?? {}).map(([k, v]) => `${k}=${v}`).join('\n'));
  const [cwd, setCwd] = useState(existing?.cwd ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    if (!NAME.test(name)) {
      setError('The name must be 1-64 letters, digits, "-" or "_", starting with a letter or digit.');
      return;
    }
    if (!existing && taken.includes(name)) {
      setError(`A server named "${name}" already exists; pick another name or edit that one.`);
      return;
    }
    let entry: ServerEntry;
    if (transport === 'stdio') {
      const parsedEnv = parsePairs(env, '=');
      if (parsedEnv.error) return setError(`Environment: ${parsedEnv.error}`);
      entry = { command: command.trim(), args: lines(args), ...(Object.keys(parsedEnv.value).length ? { env: parsedEnv.value } : {}), ...(cwd.trim() ? { cwd: cwd.trim() } : {}) };
    } else {
      const parsedHeaders = parsePairs(headers, ':');
      if (parsedHeaders.error) return setError(`Headers: ${parsedHeaders.error}`);
      entry = { url: url.trim(), ...(transport === 'sse' ? { type: 'sse' as const } : {}), ...(Object.keys(parsedHeaders.value).length ? { headers: parsedHeaders.value } : {}) };
    }
    setBusy(true);
    try {
      await onSubmit(name, entry);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="server-form" onSubmit={(e) => void submit(e)} aria-label={existing ? `Edit ${existing.name}` : 'Add a server'}>
      <h2>{existing ? `Edit ${existing.name}` : 'Add a server'}</h2>
      <label>
        <span>Name</span>
        <input aria-label="Name" aria-describedby="server-name-hint" value={name} onChange={(e) => setName(e.target.value)} disabled={existing !== null} placeholder="everything" required autoFocus={existing === null} />
        <small id="server-name-hint" className="muted">Used in the proxy URL: /s/{name || '<name>'}/mcp</small>
      </label>
      <fieldset className="segmented-field">
        <legend>Transport</legend>
        {(
          [
            ['http', 'Streamable HTTP (URL)'],
            ['stdio', 'stdio (command)'],
            ['sse', 'Legacy HTTP+SSE (URL)'],
          ] as Array<[Transport, string]>
        ).map(([value, label]) => (
          <label key={value} className="check">
            <input type="radio" name="transport" value={value} checked={transport === value} onChange={() => setTransport(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      {transport !== 'stdio' ? (
        <>
          <label>
            <span>Upstream URL</span>
            <input aria-label="Upstream URL" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="http://127.0.0.1:3001/mcp" required />
          </label>
          <label>
            <span>Headers sent upstream (one "Name: value" per line; ${'{'}env:NAME{'}'} reads the gateway's environment)</span>
            <textarea aria-label="Headers" rows={3} value={headers} onChange={(e) => setHeaders(e.target.value)} placeholder="Authorization: Bearer ${env:GITHUB_TOKEN}" spellCheck={false} />
          </label>
        </>
      ) : (
        <>
          <label>
            <span>Command</span>
            <input aria-label="Command" value={command} onChange={(e) => setCommand(e.target.value)} placeholder="npx" required spellCheck={false} />
          </label>
          <label>
            <span>Arguments (one per line, no quoting needed)</span>
            <textarea aria-label="Arguments" rows={3} value={args} onChange={(e) => setArgs(e.target.value)} placeholder={'-y\n@modelcontextprotocol/server-everything'} spellCheck={false} />
          </label>
          <label>
            <span>Environment (KEY=VALUE per line)</span>
            <textarea aria-label="Environment" rows={2} value={env} onChange={(e) => setEnv(e.target.value)} spellCheck={false} />
          </label>
          <label>
            <span>Working folder (absolute; optional)</span>
            <input aria-label="Working folder" value={cwd} onChange={(e) => setCwd(e.target.value)} placeholder="/home/me/project" spellCheck={false} />
          </label>
          <div className="will-run">
            <span className="muted">The gateway will run, once per client session:</span>
            <pre className="code">{command.trim() ? commandLine(command.trim(), lines(args)) : '(enter a command)'}</pre>
          </div>
        </>
      )}
      {error && (
        <p className="notice error-text" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {existing ? 'Save' : 'Add server'}
        </button>
      </div>
    </form>
  );
}
