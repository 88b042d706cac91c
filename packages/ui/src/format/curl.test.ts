import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand, shellQuote } from './curl.js';

describe('curlCommand', () => {
  it('quotes anything safely for a POSIX shell', () => {
    const nasty = `it's "$(rm -rf /)" \`x\` \\ ; | & $HOME`;
    const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(nasty)}`]).toString();
    expect(echoed).toBe(nasty);
  });

  it('keeps MCP headers, leaves out credentials and transport headers unless asked', () => {
    const input = {
      url: 'http://127.0.0.1:3333/s/a/mcp',
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      headers: {
        host: '127.0.0.1:3333',
        'content-length': '40',
        'mcp-session-id': 'abc',
        'mcp-protocol-version': '2025-06-18',
        accept: 'application/json, text/event-stream',
        authorization: 'Bearer [REDACTED:header]',
        'x-custom-token': 'zzz',
      },
      includeSecrets: false,
    };
    const out = curlCommand(input);
    expect(out.omitted).toEqual(['authorization', 'x-custom-token']);
    expect(out.command).toContain(`-H 'mcp-session-id: abc'`);
    expect(out.command).toContain(`-H 'Content-Type: application/json'`);
    expect(out.command).not.toContain('host:');
    expect(out.command).not.toContain('REDACTED');
    expect(out.command.endsWith(`--data-raw '{"jsonrpc":"2.0","id":1,"method":"ping"}'`)).toBe(true);
    const withSecrets = curlCommand({ ...input, includeSecrets: true });
    expect(withSecrets.omitted).toEqual([]);
    expect(withSecrets.masked).toEqual(['authorization']);
    expect(withSecrets.command).toContain('x-custom-token: zzz');
  });
});
