import { describe, expect, it } from 'vitest';
import { maskUrl, serverView } from './views.js';

describe('server views', () => {
  it('mask URL credentials and query values but keep the rest readable', () => {
    expect(maskUrl('https://tok123456789@mcp.example.com/mcp?api_key=abcdef&region=eu')).toBe(
      'https://********@mcp.example.com/mcp?api_key=********&region=********',
    );
    expect(maskUrl('http://user:pass@127.0.0.1:8080/mcp')).toBe('http://********:********@127.0.0.1:8080/mcp');
    expect(maskUrl('http://127.0.0.1:8080/mcp')).toBe('http://127.0.0.1:8080/mcp');
  });

  it('mask header and env values and credential-looking arguments', () => {
    const view = serverView(
      {
        name: 'x',
        transport: 'stdio',
        entry: {
          command: 'npx',
          args: ['-y', 'server', '--token', 'abc', '--api-key=xyz', '--port', '8080', 'postgres://u:hunter22secret@db/x', 'sk-envvalue-123456'],
          env: { API_KEY: 'sk-envvalue-123456' },
        },
      },
      'http://127.0.0.1:3333',
    );
    expect(view.args).toEqual(['-y', 'server', '--token', '********', '--api-key=********', '--port', '8080', expect.not.stringContaining('hunter22secret'), '[REDACTED:known-value]']);
    expect(view.env).toEqual({ API_KEY: '********' });
    expect(view.proxyUrl).toBe('http://127.0.0.1:3333/s/x/mcp');
  });
});
