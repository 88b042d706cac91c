// "Debug with an agent": how to add the gateway's own MCP server
// (/gateway/mcp) to a coding agent, with this tab's origin and token filled
// in. The token is masked on screen (the page may be shared or screenshotted)
// but copied as it is, since a masked one would not work.
import { useState } from 'react';
import { storedToken } from '../api/client.js';
import { CopyButton } from './CopyButton.js';
import { json, snippets, SnippetTabs, type Snippet } from './Snippets.js';

export const GATEWAY_MCP_NAME = 'mcp-gateway';
const MASK = '••••••••';
/** Shown and copied when this tab has no token (it then shows the sign-in screen anyway). */
const PLACEHOLDER = '<token>';

/** The snippets for /gateway/mcp at `origin`: Claude Code, Cursor, VS Code with the token header, and stdio. */
export function gatewayMcpSnippets(origin: string, token: string | null): Snippet[] {
  const url = `${origin}/gateway/mcp`;
  const items: Snippet[] = snippets(GATEWAY_MCP_NAME, url, { Authorization: `Bearer ${token ?? PLACEHOLDER}` })
    .filter((s) => s.id !== 'claude-desktop')
    .map((s) => (token === null ? s : { ...s, shown: s.text.replaceAll(token, MASK) }));
  items.push({
    id: 'stdio',
    label: 'stdio',
    where:
      'For clients that only launch commands (Claude Desktop too): mcp-gateway mcp serves the same tools over stdio, ' +
      'through the running gateway, and finds the token itself. In the client’s mcpServers (VS Code: servers, with "type": "stdio"):',
    text: json({ mcpServers: { [GATEWAY_MCP_NAME]: { command: 'mcp-gateway', args: ['mcp'] } } }),
  });
  return items;
}

export function GatewayMcpCard() {
  const [token] = useState(storedToken);
  const [reveal, setReveal] = useState(false);
  const origin = window.location.origin;
  const items = gatewayMcpSnippets(origin, token).map((s) => (reveal ? { ...s, shown: s.text } : s));
  const header = `Authorization: Bearer ${token ?? PLACEHOLDER}`;
  return (
    <section className="card gateway-mcp-card" aria-labelledby="gateway-mcp-title">
      <header className="card-head">
        <h2 id="gateway-mcp-title">Debug with an agent</h2>
      </header>
      <p className="muted">
        The gateway’s own MCP server lets a coding agent search this traffic, explain why a call failed (explain_error) and replay it. Add it to
        your agent with one of these.
      </p>
      <dl className="facts">
        <dt>URL</dt>
        <dd>
          <code className="gateway-mcp-url">{`${origin}/gateway/mcp`}</code>{' '}
          <CopyButton label="Copy the gateway MCP URL" text={`${origin}/gateway/mcp`} display="Copy" className="small" />{' '}
          <span className="muted">Streamable HTTP</span>
        </dd>
        <dt>Header</dt>
        <dd>
          <code className="gateway-mcp-header">{reveal ? header : `Authorization: Bearer ${token === null ? PLACEHOLDER : MASK}`}</code>{' '}
          <button type="button" className="small" aria-pressed={reveal} onClick={() => setReveal(!reveal)}>
            {reveal ? 'Hide token' : 'Show token'}
          </button>{' '}
          <CopyButton label="Copy the header" text={header} display="Copy" className="small" />
        </dd>
      </dl>
      <p className="muted">
        The token is the one this tab signed in with; <code>mcp-gateway token</code> prints it. After <code>mcp-gateway token --rotate</code>, copy
        again.
      </p>
      <SnippetTabs label="Add the gateway's MCP server to a client" items={items} />
    </section>
  );
}
