import { describe, expect, it } from 'vitest';
import { flatHeaders, flatRawHeaders } from './headers.js';

/** What the general path records: @hono/node-server's Headers (one append per raw pair), walked by flatHeaders. */
function throughHeaders(raw: string[]): Record<string, string> {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) if (!(raw[i] as string).startsWith(':')) headers.append(raw[i] as string, raw[i + 1] as string);
  return flatHeaders(headers);
}

describe('flatRawHeaders', () => {
  it.each([
    ['an SDK request', ['Host', '127.0.0.1:3333', 'Content-Type', 'application/json', 'Accept', 'application/json, text/event-stream', 'mcp-session-id', 'abc', 'User-Agent', 'node', 'Content-Length', '12']],
    ['repeated headers', ['X-Dup', 'a', 'x-dup', 'b', 'X-DUP', 'c', 'Accept', 'a', 'accept', 'b']],
    ['cookies', ['Cookie', 'a=1', 'cookie', 'b=2', 'Set-Cookie', 's=1', 'Set-Cookie', 's=2']],
    ['values with outer whitespace and empty values', ['X-Space', '  padded\t', 'X-Empty', '', 'X-Inner', 'a  b']],
    ['names that sort oddly', ['z', '1', 'A', '2', 'x-a', '3', 'x_b', '4', 'x-', '5', '0', '6']],
    ['a __proto__ header', ['__proto__', 'x', 'authorization', 'Bearer abc']],
    ['HTTP/2 pseudo headers', [':method', 'POST', ':path', '/s/x/mcp', 'accept', '*/*']],
  ])('records %s as the Headers walk does, key order included', (_name, raw) => {
    const fast = flatRawHeaders(raw);
    const general = throughHeaders(raw);
    expect(fast).toEqual(general);
    expect(Object.keys(fast)).toEqual(Object.keys(general));
  });
});
