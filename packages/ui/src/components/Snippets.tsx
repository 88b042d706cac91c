// Ready-to-paste client configuration for one proxy URL.
import { useState } from 'react';
import { CopyButton } from './CopyButton.js';

export function snippets(name: string, url: string): Array<{ id: string; label: string; text: string; where: string }> {
  const json = (value: unknown): string => JSON.stringify(value, null, 2);
  return [
    {
      id: 'claude-code',
      label: 'Claude Code',
      where: 'Run in a terminal:',
      text: `claude mcp add --transport http ${name} ${url}`,
    },
    {
      id: 'cursor',
      label: 'Cursor',
      where: 'In ~/.cursor/mcp.json (or .cursor/mcp.json in a project):',
      text: json({ mcpServers: { [name]: { url } } }),
    },
    {
      id: 'claude-desktop',
      label: 'Claude Desktop',
      where: 'In claude_desktop_config.json (Desktop reaches HTTP servers through mcp-remote):',
      text: json({ mcpServers: { [name]: { command: 'npx', args: ['-y', 'mcp-remote', url] } } }),
    },
    {
      id: 'vscode',
      label: 'VS Code',
      where: 'In .vscode/mcp.json:',
      text: json({ servers: { [name]: { type: 'http', url } } }),
    },
  ];
}

export function Snippets({ name, url }: { name: string; url: string }) {
  const all = snippets(name, url);
  const [current, setCurrent] = useState(all[0]?.id ?? '');
  const shown = all.find((s) => s.id === current) ?? all[0];
  return (
    <div className="snippets">
      <div className="tabs" role="tablist" aria-label={`Client configuration for ${name}`}>
        {all.map((s) => (
          <button key={s.id} type="button" role="tab" aria-selected={s.id === shown?.id} onClick={() => setCurrent(s.id)}>
            {s.label}
          </button>
        ))}
      </div>
      {shown && (
        <div role="tabpanel" className="snippet">
          <p className="muted">{shown.where}</p>
          <pre className="code">{shown.text}</pre>
          <CopyButton label={`Copy ${shown.label} snippet`} text={shown.text} display="Copy" className="small" />
        </div>
      )}
    </div>
  );
}
