import type { ServerView } from '@mcp-gateway/gateway';
import { describe, expect, it } from 'vitest';
import { describeUpstream, shellQuote, table } from './format.js';

describe('table', () => {
  it('pads every column but the last', () => {
    expect(table([['a', 'bb', 'c'], ['aaa', 'b', 'cc']], '  ')).toEqual(['  a    bb  c', '  aaa  b   cc']);
  });
});

describe('shellQuote', () => {
  it('quotes only what a shell would split or expand', () => {
    expect(shellQuote('--port=3')).toBe('--port=3');
    expect(shellQuote('two words')).toBe("'two words'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe('describeUpstream', () => {
  it('shows masked headers and env only with details', () => {
    const http: ServerView = { name: 'a', type: 'http', url: 'https://x/mcp', headers: { Authorization: '********' }, proxyUrl: 'p' };
    expect(describeUpstream(http)).toBe('https://x/mcp');
    expect(describeUpstream(http, true)).toBe('https://x/mcp [Authorization: ********]');
    const stdio: ServerView = { name: 'b', type: 'stdio', command: 'npx', args: ['-y', 'a b'], env: { K: '********' }, proxyUrl: 'p' };
    expect(describeUpstream(stdio, true)).toBe("npx -y 'a b' (stdio) [env K=********]");
  });
});
