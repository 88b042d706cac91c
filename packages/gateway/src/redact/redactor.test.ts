import { describe, expect, it } from 'vitest';
import { createRedactor, METADATA_ONLY_BODY, TOO_DEEP_BODY } from './redactor.js';
import { fake } from './test-support/fixtures.js';

const r = createRedactor();

describe('message: JSON-key layer', () => {
  it('masks string values under denied keys at any depth, in objects and arrays', () => {
    const msg = JSON.stringify({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: {
        name: 'deploy',
        arguments: {
          apiKey: 'a1',
          api_key: 'a2',
          'API-KEY': 'a3',
          nested: [{ password: 'p1' }, { deeper: { client_secret: 'c1', keep: 'visible' } }],
          headers: { Authorization: 'Bearer x', Accept: 'json' },
          credentials: ['c2', 'c3', { user: 'u' }],
        },
        _meta: { progressToken: 'pt-1' },
      },
    });
    const out = r.message(msg);
    expect(JSON.parse(out.value)).toEqual({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: {
        name: 'deploy',
        arguments: {
          apiKey: '[REDACTED:key]',
          api_key: '[REDACTED:key]',
          'API-KEY': '[REDACTED:key]',
          nested: [{ password: '[REDACTED:key]' }, { deeper: { client_secret: '[REDACTED:key]', keep: 'visible' } }],
          headers: { Authorization: '[REDACTED:key]', Accept: 'json' },
          credentials: ['[REDACTED:key]', '[REDACTED:key]', { user: 'u' }],
        },
        _meta: { progressToken: 'pt-1' },
      },
    });
    expect(out.rules).toEqual(['key']);
  });

  it('never changes value types: numbers, booleans, null and objects under secret keys survive', () => {
    const msg = JSON.stringify({
      jsonrpc: '2.0',
      id: 9,
      error: { code: -32001, message: 'denied', data: { token: 42, secret: true, password: null, auth: { scheme: 'none' } } },
      params: { maxTokens: 1024, tokens: 7, tokenizer: 'cl100k', keyboard: 'qwerty', monkey: 'see' },
    });
    const out = r.message(msg);
    expect(out).toEqual({ value: msg, rules: [] });
  });

  it('leaves empty strings under secret keys alone', () => {
    const msg = '{"password":""}';
    expect(r.message(msg).value).toBe(msg);
  });

  it('masks a secret used as a property name without losing a sibling', () => {
    const msg = JSON.stringify({ tokens: { [fake.githubPat]: 1, [fake.gitlab]: 2, plain: 3 } });
    expect(JSON.parse(r.message(msg).value)).toEqual({
      tokens: { '[REDACTED:github-pat]': 1, '[REDACTED:gitlab-pat]': 2, plain: 3 },
    });
    const twice = JSON.stringify({ m: { [fake.githubPat]: 1, [`${fake.githubPat.slice(0, -1)}Z`]: 2 } });
    expect(JSON.parse(r.message(twice).value)).toEqual({ m: { '[REDACTED:github-pat]': 1, '[REDACTED:github-pat] #2': 2 } });
  });
});

describe('message: results', () => {
  it('returns the original string, not a copy, when nothing fired', () => {
    const msg = '{ "jsonrpc": "2.0", "id": 1, "result": { "tools": [ { "name": "echo" } ] } }';
    const out = r.message(msg);
    expect(out.value).toBe(msg);
    expect(out.rules).toEqual([]);
    expect(r.message(msg, JSON.parse(msg)).value).toBe(msg);
  });

  it('re-serializes with JSON.stringify when something fired', () => {
    const msg = '{ "jsonrpc": "2.0", "id": 1, "params": { "password": "x" } }';
    expect(r.message(msg).value).toBe('{"jsonrpc":"2.0","id":1,"params":{"password":"[REDACTED:key]"}}');
  });

  it('handles batches', () => {
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'a', params: { token: 't' } },
      { jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: fake.githubPat }] } },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: 1 } },
    ]);
    const out = r.message(batch);
    expect(JSON.parse(out.value)).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'a', params: { token: '[REDACTED:key]' } },
      { jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: '[REDACTED:github-pat]' }] } },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: 1 } },
    ]);
    expect(out.rules).toEqual(['github-pat', 'key']);
  });

  it('uses `parsed` when given and never mutates it', () => {
    const value = { jsonrpc: '2.0', id: 1, params: { arguments: { password: 'x', list: [fake.jwt] } } };
    const snapshot = structuredClone(value);
    const text = JSON.stringify(value);
    const out = r.message(text, value);
    expect(value).toEqual(snapshot);
    expect(JSON.parse(out.value)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      params: { arguments: { password: '[REDACTED:key]', list: ['[REDACTED:jwt]'] } },
    });
  });

  it('falls back to text() for invalid JSON', () => {
    const broken = `{"jsonrpc":"2.0","params":{"password":"hunter2","token":"${fake.githubPat}"`;
    const out = r.message(broken);
    expect(out.value).toBe('{"jsonrpc":"2.0","params":{"password":"[REDACTED:key]","token":"[REDACTED:github-pat]"');
    expect(out.rules).toEqual(['github-pat', 'key']);
  });

  it('keeps a __proto__ key as data', () => {
    const msg = '{"__proto__":{"password":"x"},"a":1}';
    const out = JSON.parse(r.message(msg).value) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(out['__proto__']).toEqual({ password: '[REDACTED:key]' });
  });

  it('stores a placeholder for absurdly deep nesting instead of throwing', () => {
    const deep = `${'['.repeat(5000)}"${fake.githubPat}"${']'.repeat(5000)}`;
    expect(r.message(deep)).toEqual({ value: TOO_DEEP_BODY, rules: ['too-deep'] });
  });

  it('always returns valid JSON for JSON input', () => {
    const samples: unknown[] = [
      { text: `a "quoted" ${fake.githubPat} \\ back\nslash \u2028 ${fake.jwt}` },
      { s: `Bearer ${fake.slackBot}`, u: 'https://u:p4ssw0rd@h/?token=x"y' },
      [`${fake.anthropic}`, 1, null, true, { password: 'p' }],
      `${fake.openaiLegacy}`,
      { k: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ\n' },
    ];
    for (const sample of samples) {
      const out = r.message(JSON.stringify(sample));
      expect(out.rules.length).toBeGreaterThan(0);
      expect(() => JSON.parse(out.value) as unknown).not.toThrow();
    }
  });
});

describe('remembered scans', () => {
  // Short strings have their scan remembered; a string seen again must come
  // out exactly as a fresh redactor would write it, rules included.
  const message = (text: string) =>
    JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text }, { type: 'text', text: `token: ${fake.githubPat}` }] } });
  const cases = ['hello from the bench', fake.githubPat, `Authorization: Bearer ${fake.jwt}`, `x=1; password=hunter2-${'x'.repeat(600)}`];

  it('answers a repeated message as a fresh redactor does', () => {
    const warm = createRedactor({ knownSecrets: ['configured-secret-1'] });
    for (const text of [...cases, 'has configured-secret-1 inside']) {
      const fresh = createRedactor({ knownSecrets: ['configured-secret-1'] }).message(message(text));
      for (let i = 0; i < 3; i++) expect(warm.message(message(text)), text).toEqual(fresh);
    }
  });

  it('answers repeated headers as a fresh redactor does', () => {
    const headers = { 'user-agent': `tool ${fake.githubPat}`, 'x-trace': 'abc', authorization: 'Bearer abc', accept: 'application/json' };
    const warm = createRedactor();
    const fresh = createRedactor().headers(headers);
    expect(fresh.rules).toEqual(['github-pat', 'header']);
    for (let i = 0; i < 3; i++) expect(warm.headers(headers)).toEqual(fresh);
  });
});

describe('modes', () => {
  const msg = JSON.stringify({ jsonrpc: '2.0', id: 1, params: { password: 'x', t: fake.githubPat } });

  it('off returns every input unchanged', () => {
    const off = createRedactor({ mode: 'off', knownSecrets: ['abcdefgh-known'] });
    expect(off.mode).toBe('off');
    expect(off.message(msg)).toEqual({ value: msg, rules: [] });
    expect(off.text(fake.githubPat)).toEqual({ value: fake.githubPat, rules: [] });
    expect(off.url('https://u:pw123456@h?token=x')).toEqual({ value: 'https://u:pw123456@h?token=x', rules: [] });
    expect(off.headers({ authorization: 'Bearer x' })).toEqual({ value: { authorization: 'Bearer x' }, rules: [] });
  });

  it('metadata-only stores no body', () => {
    const meta = createRedactor({ mode: 'metadata-only' });
    expect(meta.mode).toBe('metadata-only');
    expect(meta.message(msg)).toEqual({ value: METADATA_ONLY_BODY, rules: ['metadata-only'] });
    expect(meta.message('not json')).toEqual({ value: METADATA_ONLY_BODY, rules: ['metadata-only'] });
    expect(JSON.parse(METADATA_ONLY_BODY)).toEqual({ redacted: 'metadata-only' });
    // Headers, URLs and text are still redacted as usual.
    expect(meta.headers({ authorization: 'Bearer x' }).value).toEqual({ authorization: 'Bearer [REDACTED:header]' });
  });

  it('defaults to default', () => {
    expect(r.mode).toBe('default');
  });

  it('rejects an unknown mode and a bad maxScanChars', () => {
    expect(() => createRedactor({ mode: 'loud' as 'off' })).toThrow(/mode/);
    expect(() => createRedactor({ maxScanChars: 0 })).toThrow(/maxScanChars/);
  });
});

describe('options', () => {
  it('extraKeys mask more JSON keys and key=value text', () => {
    const x = createRedactor({ extraKeys: ['tenant-pin', 'code'] });
    const msg = JSON.stringify({ params: { tenantPin: '1234', tenant_pin: '5678', code: 'print(1)', other: 'x' } });
    expect(JSON.parse(x.message(msg).value)).toEqual({
      params: { tenantPin: '[REDACTED:key]', tenant_pin: '[REDACTED:key]', code: '[REDACTED:key]', other: 'x' },
    });
    expect(x.text('TENANT_PIN=9999').value).toBe('TENANT_PIN=[REDACTED:key]');
    // Without the option, a code argument of a code-execution tool stays readable.
    expect(r.message('{"params":{"arguments":{"code":"print(1)"}}}').rules).toEqual([]);
  });

  it('extraPatterns add rule ids, and a `secret` group masks only that group', () => {
    const x = createRedactor({
      extraPatterns: [
        { id: 'acme-key', pattern: 'ACME-[0-9]{6}' },
        { id: 'internal-pin', pattern: 'pin is (?<secret>\\d{4})', flags: 'i' },
      ],
    });
    const out = x.text('key ACME-123456, PIN IS 4321.');
    expect(out.value).toBe('key [REDACTED:acme-key], PIN IS [REDACTED:internal-pin].');
    expect(out.rules).toEqual(['acme-key', 'internal-pin']);
  });

  it('extraPatterns that can match the empty string do not loop', () => {
    const x = createRedactor({ extraPatterns: [{ id: 'maybe', pattern: 'z*' }] });
    expect(x.text('abc zz d').value).toBe('abc [REDACTED:maybe] d');
  });

  it('an invalid extra pattern throws an Error naming it', () => {
    expect(() => createRedactor({ extraPatterns: [{ id: 'broken', pattern: '(unclosed' }] })).toThrow(
      /Invalid redaction pattern "broken".*\(unclosed/,
    );
    expect(() => createRedactor({ extraPatterns: [{ id: 'flags', pattern: 'a', flags: 'y' }] })).toThrow(/"flags"/);
    expect(() => createRedactor({ extraPatterns: [{ id: 'bad id!', pattern: 'a' }] })).toThrow(/"bad id!"/);
  });

  it('maxScanChars limits the pattern layers but not known values', () => {
    const x = createRedactor({ maxScanChars: 100, knownSecrets: ['known-secret-value'] });
    const tail = `${'.'.repeat(200)} ${fake.githubPat} known-secret-value`;
    expect(x.text(`${fake.githubPat} ${tail}`).value).toBe(
      `[REDACTED:github-pat] ${'.'.repeat(200)} ${fake.githubPat} [REDACTED:known-value]`,
    );
  });
});

describe('url', () => {
  it('masks userinfo password and secret query values, keeps the rest byte for byte', () => {
    const u = 'https://bot:pa55word@mcp.example.com:8443/v1/sse?session=abc&api_key=k-1&x=%20y#frag';
    expect(r.url(u)).toEqual({
      value:
        'https://bot:[REDACTED:url-userinfo]@mcp.example.com:8443/v1/sse?session=[REDACTED:key]&api_key=[REDACTED:query-param]&x=%20y#frag',
      rules: ['key', 'query-param', 'url-userinfo'],
    });
  });

  it('returns the same string when nothing is secret', () => {
    const u = 'http://localhost:3000/mcp?debug=1';
    expect(r.url(u).value).toBe(u);
  });
});
