import { describe, expect, it } from 'vitest';
import { classifyHeader, maskDeniedHeader } from './headers.js';
import { createRedactor } from './redactor.js';
import { fake } from './test-support/fixtures.js';

describe('classifyHeader', () => {
  it.each([
    'authorization', 'Authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key',
    'api-key', 'x-auth-token', 'x-session-api-key', 'x-my-token', 'x-client-secret',
    'x-db-password', 'x-credential-id', 'x-mcp-gateway-token',
  ])('denies %s', (name) => {
    expect(classifyHeader(name)).toBe('deny');
  });

  it.each(['www-authenticate', 'WWW-Authenticate', 'proxy-authenticate', 'mcp-session-id', 'Mcp-Session-Id'])(
    'keeps %s readable',
    (name) => {
      expect(classifyHeader(name)).toBe('keep');
    },
  );

  it.each(['content-type', 'accept', 'mcp-protocol-version', 'keep-alive', 'traceparent'])('keeps the structural header %s unscanned', (name) => {
    expect(classifyHeader(name)).toBe('keep');
  });

  it.each(['user-agent', 'x-request-id', 'mcp-name', 'mcp-param-region'])(
    'scans %s',
    (name) => {
      expect(classifyHeader(name)).toBe('scan');
    },
  );
});

describe('maskDeniedHeader', () => {
  it('keeps the auth scheme', () => {
    expect(maskDeniedHeader('authorization', `Bearer ${fake.githubPat}`)).toBe('Bearer [REDACTED:header]');
    expect(maskDeniedHeader('authorization', 'Basic dXNlcjpwYXNzd29yZA==')).toBe('Basic [REDACTED:header]');
    expect(maskDeniedHeader('proxy-authorization', 'Digest username="a", response="b"')).toBe(
      'Digest [REDACTED:header]',
    );
  });

  it('masks a bare value whole', () => {
    expect(maskDeniedHeader('x-api-key', 'abc123')).toBe('[REDACTED:header]');
    expect(maskDeniedHeader('x-my-token', 'tok')).toBe('[REDACTED:header]');
  });

  it('keeps cookie names, masks cookie values', () => {
    expect(maskDeniedHeader('cookie', 'sid=abc123; theme=dark')).toBe('sid=[REDACTED:header]; theme=[REDACTED:header]');
    expect(maskDeniedHeader('cookie', 'justavalue')).toBe('[REDACTED:header]');
  });

  it('keeps known Set-Cookie attributes and masks anything else', () => {
    expect(
      maskDeniedHeader('set-cookie', 'sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax; Expires=Wed, 21 Oct 2015 07:28:00 GMT'),
    ).toBe('sid=[REDACTED:header]; Path=/; HttpOnly; Secure; SameSite=Lax; Expires=Wed, 21 Oct 2015 07:28:00 GMT');
    // Two cookies joined by ", " must not leak the second value.
    expect(maskDeniedHeader('set-cookie', 'a=1; HttpOnly, b=secretvalue; Path=/')).toBe(
      'a=[REDACTED:header]; [REDACTED:header]; Path=/',
    );
  });

  it('leaves empty values alone', () => {
    expect(maskDeniedHeader('authorization', '')).toBe('');
  });
});

describe('Redactor.headers', () => {
  const r = createRedactor({ knownSecrets: ['configured-upstream-secret'] });

  it('masks denied headers, scans the rest, keeps WWW-Authenticate and Mcp-Session-Id', () => {
    const input = {
      authorization: `Bearer ${fake.githubPat}`,
      cookie: 'sid=abc',
      'set-cookie': 'sid=abc; Path=/',
      'x-api-key': 'k-123456',
      'x-my-token': 'tok',
      'www-authenticate': 'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", error="invalid_token"',
      'mcp-session-id': fake.jwt,
      'content-type': 'application/json',
      'x-upstream-echo': 'configured-upstream-secret',
      'x-debug': `token in header ${fake.slackBot}`,
    };
    const out = createRedactor().headers(input);
    expect(out.value).toEqual({
      authorization: 'Bearer [REDACTED:header]',
      cookie: 'sid=[REDACTED:header]',
      'set-cookie': 'sid=[REDACTED:header]; Path=/',
      'x-api-key': '[REDACTED:header]',
      'x-my-token': '[REDACTED:header]',
      'www-authenticate': input['www-authenticate'],
      'mcp-session-id': fake.jwt,
      'content-type': 'application/json',
      'x-upstream-echo': 'configured-upstream-secret',
      'x-debug': 'token in header [REDACTED:slack-bot-token]',
    });
    expect(out.rules).toEqual(['header', 'slack-bot-token']);
    expect(r.headers({ 'x-upstream-echo': 'configured-upstream-secret' }).value).toEqual({
      'x-upstream-echo': '[REDACTED:known-value]',
    });
  });

  it('returns a copy and no rules when nothing is secret', () => {
    const input = { 'content-type': 'application/json', accept: 'text/event-stream' };
    const out = r.headers(input);
    expect(out.value).toEqual(input);
    expect(out.value).not.toBe(input);
    expect(out.rules).toEqual([]);
  });

  it('masks every item of an array value (Node set-cookie) instead of passing it through', () => {
    const input = { 'set-cookie': ['a=1; Path=/', 'b=2'] } as unknown as Record<string, string>;
    expect(r.headers(input)).toEqual({
      value: { 'set-cookie': ['a=[REDACTED:header]; Path=/', 'b=[REDACTED:header]'] },
      rules: ['header'],
    });
  });

  it('treats a header named __proto__ as data', () => {
    const input = JSON.parse('{"__proto__":"x","authorization":"Bearer abcdefgh1"}') as Record<string, string>;
    const out = r.headers(input);
    expect(Object.getPrototypeOf(out.value)).toBe(Object.prototype);
    expect(Object.keys(out.value)).toEqual(['__proto__', 'authorization']);
  });
});
