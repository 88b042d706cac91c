// Ready-to-paste client configuration for one MCP URL: a proxy URL, or the
// gateway's own /gateway/mcp (which also needs its token header).
import { useState } from 'react';
import { shellQuote } from '../format/curl.js';
import { CopyButton } from './CopyButton.js';

export interface Snippet {
  id: string;
  label: string;
  /** Where the text goes (a file, a terminal). */
  where: string;
  /** What the copy button copies. */
  text: string;
  /** What the page shows instead, when it differs (a masked token). */
  shown?: string;
}

export const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** `"Name: value"` as the clients' docs write it, single-quoted only when the shell would expand something in it. */
const headerArg = (header: string): string => (/^[\w@%+=:,./ -]+$/.test(header) ? `"${header}"` : shellQuote(header));

/** The snippet per client; `headers`, when given, go into each (Claude Code's `--header`, the files' `headers`). */
export function snippets(name: string, url: string, headers?: Record<string, string>): Snippet[] {
  const withHeaders = headers && Object.keys(headers).length > 0 ? { headers } : {};
  const headerArgs = Object.entries(headers ?? {}).map(([key, value]) => ` --header ${headerArg(`${key}: ${value}`)}`);
  return [
    {
      id: 'claude-code',
      label: 'Claude Code',
      where: 'Run in a terminal:',
      text: `claude mcp add --transport http ${name} ${url}${headerArgs.join('')}`,
    },
    {
      id: 'cursor',
      label: 'Cursor',
      where: 'In ~/.cursor/mcp.json (or .cursor/mcp.json in a project):',
      text: json({ mcpServers: { [name]: { url, ...withHeaders } } }),
    },
    {
      id: 'claude-desktop',
      label: 'Claude Desktop',
      where: 'In claude_desktop_config.json (Desktop reaches HTTP servers through mcp-remote):',
      text: json({ mcpServers: { [name]: { command: 'npx', args: ['-y', 'mcp-remote', url, ...Object.entries(headers ?? {}).flatMap(([key, value]) => ['--header', `${key}:${value}`])] } } }),
    },
    {
      id: 'vscode',
      label: 'VS Code',
      where: 'In .vscode/mcp.json:',
      text: json({ servers: { [name]: { type: 'http', url, ...withHeaders } } }),
    },
  ];
}

export function Snippets({ name, url }: { name: string; url: string }) {
  return <SnippetTabs label={`Client configuration for ${name}`} items={snippets(name, url)} />;
}

/** One tab per client, the shown snippet with its copy button. */
export function SnippetTabs({ label, items }: { label: string; items: Snippet[] }) {
  const [current, setCurrent] = useState(items[0]?.id ?? '');
  const shown = items.find((s) => s.id === current) ?? items[0];
  return (
    <div className="snippets">
      <div className="tabs" role="tablist" aria-label={label}>
        {items.map((s) => (
          <button key={s.id} type="button" role="tab" aria-selected={s.id === shown?.id} onClick={() => setCurrent(s.id)}>
            {s.label}
          </button>
        ))}
      </div>
      {shown && (
        <div role="tabpanel" className="snippet">
          <p className="muted">{shown.where}</p>
          <pre className="code">{shown.shown ?? shown.text}</pre>
          <CopyButton label={`Copy ${shown.label} snippet`} text={shown.text} display="Copy" className="small" />
        </div>
      )}
    </div>
  );
}
