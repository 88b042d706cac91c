import { describe, expect, it } from 'vitest';
import { gatewayMcpSnippets } from './GatewayMcpCard.js';
import { snippets } from './Snippets.js';

const ORIGIN = 'http://127.0.0.1:3333';
const TOKEN = 'abc_DEF-123';
const byId = (token: string | null) => new Map(gatewayMcpSnippets(ORIGIN, token).map((s) => [s.id, s]));

describe('gatewayMcpSnippets', () => {
  it('gives Claude Code, Cursor, VS Code and stdio, in that order', () => {
    expect(gatewayMcpSnippets(ORIGIN, TOKEN).map((s) => s.id)).toEqual(['claude-code', 'cursor', 'vscode', 'stdio']);
  });

  it('copies the real token and shows it masked', () => {
    const claude = byId(TOKEN).get('claude-code');
    expect(claude?.text).toBe(`claude mcp add --transport http mcp-gateway ${ORIGIN}/gateway/mcp --header "Authorization: Bearer ${TOKEN}"`);
    expect(claude?.shown).toBe(`claude mcp add --transport http mcp-gateway ${ORIGIN}/gateway/mcp --header "Authorization: Bearer ••••••••"`);
    for (const s of byId(TOKEN).values()) expect(s.shown ?? s.text).not.toContain(TOKEN);
  });

  it('writes the config shapes the clients read', () => {
    const headers = { Authorization: `Bearer ${TOKEN}` };
    const url = `${ORIGIN}/gateway/mcp`;
    const all = byId(TOKEN);
    expect(JSON.parse(all.get('cursor')?.text ?? '')).toEqual({ mcpServers: { 'mcp-gateway': { url, headers } } });
    expect(JSON.parse(all.get('vscode')?.text ?? '')).toEqual({ servers: { 'mcp-gateway': { type: 'http', url, headers } } });
    expect(JSON.parse(all.get('stdio')?.text ?? '')).toEqual({ mcpServers: { 'mcp-gateway': { command: 'mcp-gateway', args: ['mcp'] } } });
  });

  it('says <token> where this tab has none', () => {
    const claude = byId(null).get('claude-code');
    expect(claude?.text).toContain(`--header 'Authorization: Bearer <token>'`);
    expect(claude?.shown).toBeUndefined();
  });
});

describe('snippets', () => {
  it('leaves headers out when there are none (a proxy URL)', () => {
    const [claude, cursor] = snippets('demo', 'http://127.0.0.1:3333/s/demo/mcp');
    expect(claude?.text).toBe('claude mcp add --transport http demo http://127.0.0.1:3333/s/demo/mcp');
    expect(JSON.parse(cursor?.text ?? '')).toEqual({ mcpServers: { demo: { url: 'http://127.0.0.1:3333/s/demo/mcp' } } });
  });

  it('single-quotes a header the shell would expand', () => {
    const [claude] = snippets('x', 'http://h/mcp', { Authorization: 'Bearer a$b"c' });
    expect(claude?.text).toBe(`claude mcp add --transport http x http://h/mcp --header 'Authorization: Bearer a$b"c'`);
  });
});
