import { describe, expect, it } from 'vitest';
import { createRedactor } from './redactor.js';
import { fake, pemKeys } from './test-support/fixtures.js';

const r = createRedactor();
const text = (s: string): string => r.text(s).value;

describe('JWT', () => {
  it('masks a JWT in prose and in a JSON string leaf', () => {
    expect(text(`session ${fake.jwt} end`)).toBe('session [REDACTED:jwt] end');
    const msg = JSON.stringify({ result: { content: [{ type: 'text', text: `id_token was ${fake.jwt}.` }] } });
    expect(JSON.parse(r.message(msg).value)).toEqual({
      result: { content: [{ type: 'text', text: 'id_token was [REDACTED:jwt].' }] },
    });
  });

  it('masks an unsigned JWT (empty signature)', () => {
    const unsigned = fake.jwt.slice(0, fake.jwt.lastIndexOf('.') + 1);
    expect(text(`t=${unsigned} x`)).toBe('t=[REDACTED:jwt] x');
  });

  it('ignores eyJ without the three-part shape', () => {
    expect(r.text('eyJhbGciOiJIUzI1NiJ9 alone').rules).toEqual([]);
  });
});

describe('Bearer / Basic in text', () => {
  it('masks the credential and keeps the scheme, any case', () => {
    expect(text('curl -H "Authorization: Bearer abc123def456ghi"')).toBe('curl -H "Authorization: Bearer [REDACTED:bearer]"');
    expect(text('basic dXNlcjpwYXNzd29yZA==')).toBe('basic [REDACTED:bearer]');
    expect(text('BEARER tok_live_ABCDEFGH')).toBe('BEARER [REDACTED:bearer]');
  });

  it('names the marker after a more precise rule when one matches the same token', () => {
    expect(text(`Bearer ${fake.jwt}`)).toBe('Bearer [REDACTED:jwt]');
    expect(text(`Bearer ${fake.githubPat}`)).toBe('Bearer [REDACTED:github-pat]');
  });

  it('leaves prose and challenge parameters alone', () => {
    for (const s of [
      'This API uses Basic authentication and Bearer tokens.',
      'Bearer Authentication is described in RFC 6750',
      'WWW-Authenticate: Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"',
      'Bearer short',
    ]) {
      expect(r.text(s)).toEqual({ value: s, rules: [] });
    }
  });
});

describe('PEM private keys', () => {
  const { pkcs1, pkcs8 } = pemKeys();

  it.each([
    ['PKCS#1 RSA', pkcs1],
    ['PKCS#8', pkcs8],
  ])('masks a %s key with real newlines inside a JSON string', (_name, key) => {
    const msg = JSON.stringify({ result: { content: [{ type: 'text', text: `cat id_rsa\n${key}\ndone` }] } });
    const out = r.message(msg);
    expect(JSON.parse(out.value)).toEqual({ result: { content: [{ type: 'text', text: 'cat id_rsa\n[REDACTED:pem-private-key]\n\ndone' }] } });
    expect(out.rules).toEqual(['pem-private-key']);
  });

  it('masks a key with JSON-escaped \\n in raw text', () => {
    const escaped = JSON.stringify(pkcs1).slice(1, -1);
    expect(text(`{"private_key": "${escaped}", "x": 1`)).toBe('{"private_key": "[REDACTED:pem-private-key]", "x": 1');
  });

  it.each(['OPENSSH', 'EC', 'DSA', 'ENCRYPTED'])('masks %s PRIVATE KEY blocks', (kind) => {
    const block = `-----BEGIN ${kind} PRIVATE KEY-----\nAAAAB3NzaC1yc2EAAAADAQABAAABAQC\n-----END ${kind} PRIVATE KEY-----`;
    expect(text(`a ${block} b`)).toBe('a [REDACTED:pem-private-key] b');
  });

  it('masks a PGP private key block', () => {
    const block = '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGRn0bEBCAC5\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----';
    expect(text(block)).toBe('[REDACTED:pem-private-key]');
  });

  it('masks the body of a truncated key (no END line)', () => {
    const cut = pkcs1.slice(0, 200);
    expect(text(`head -c 200 key.pem:\n${cut}`)).toBe('head -c 200 key.pem:\n[REDACTED:pem-private-key]');
  });

  it('leaves public keys and certificates alone', () => {
    const pub = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----';
    expect(r.text(pub).rules).toEqual([]);
  });
});

describe('URL userinfo and DB URLs', () => {
  it('masks only the password of URL userinfo', () => {
    expect(text('clone https://alice:s3cr3t-pw@git.example.com/repo.git now')).toBe(
      'clone https://alice:[REDACTED:url-userinfo]@git.example.com/repo.git now',
    );
    expect(text('redis://:onlypassword@cache:6379/0')).toBe('redis://:[REDACTED:db-url]@cache:6379/0');
  });

  it('does not mistake host:port for userinfo', () => {
    for (const s of ['see https://example.com:8443/path and mail me@example.com', 'http://localhost:3000/a@b']) {
      expect(r.text(s).rules).toEqual([]);
    }
  });

  it.each([
    'postgres', 'postgresql', 'mysql', 'mongodb', 'mongodb+srv', 'redis', 'rediss', 'amqp', 'amqps',
  ])('masks the password of a %s URL', (scheme) => {
    expect(text(`${scheme}://app:Pa55-w0rd@db.internal:1234/main`)).toBe(`${scheme}://app:[REDACTED:db-url]@db.internal:1234/main`);
  });

  it('handles jdbc: and an unencoded @ in the password', () => {
    expect(text('jdbc:mysql://root:p@ss@db:3306/x')).toBe('jdbc:mysql://root:[REDACTED:db-url]@db:3306/x');
  });

  it('does not overrun a DB URL inside a JSON string or before punctuation', () => {
    const msg = JSON.stringify({
      result: {
        content: [{ type: 'text', text: 'DATABASE_URL is postgres://app:hunter2hunter2@db:5432/app, then (mysql://u:pw123456@h/d); done' }],
        next: 'visible',
      },
    });
    const out = r.message(msg);
    const parsed = JSON.parse(out.value) as { result: { content: { text: string }[]; next: string } };
    expect(parsed.result.content[0]?.text).toBe(
      'DATABASE_URL is postgres://app:[REDACTED:db-url]@db:5432/app, then (mysql://u:[REDACTED:db-url]@h/d); done',
    );
    expect(parsed.result.next).toBe('visible');
  });

  it('masks Password= in key-value DSNs', () => {
    expect(text('Server=db;Database=app;User Id=sa;Password=Sup3r$ecret;Encrypt=true')).toBe(
      'Server=db;Database=app;User Id=sa;Password=[REDACTED:key];Encrypt=true',
    );
    expect(text("host=db user=app password='two words' dbname=x")).toBe("host=db user=app password='[REDACTED:key]' dbname=x");
  });
});

describe('secret query parameters', () => {
  it('masks values of secret parameters and keeps the rest', () => {
    expect(text('GET https://api.tavily.com/search?q=mcp&api_key=tvly-abc123&page=2 200')).toBe(
      'GET https://api.tavily.com/search?q=mcp&api_key=[REDACTED:query-param]&page=2 200',
    );
    expect(r.url('https://app/cb?code=AUTHCODE123&state=xyz&scope=read').value).toBe(
      'https://app/cb?code=[REDACTED:query-param]&state=[REDACTED:query-param]&scope=read',
    );
  });

  it.each(['key', 'token', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'code_verifier', 'SAMLResponse', 'assertion', 'password', 'sig', 'signature', 'X-Amz-Signature'])(
    'masks %s',
    (name) => {
      expect(r.url(`https://h/p?a=1&${name}=VALUE-123`).value).toBe(`https://h/p?a=1&${name}=[REDACTED:query-param]`);
    },
  );

  it('masks fragment parameters (OAuth implicit flow) and form bodies', () => {
    expect(r.url('https://app/cb#access_token=abc.def&token_type=bearer').value).toBe(
      'https://app/cb#access_token=[REDACTED:query-param]&token_type=bearer',
    );
    expect(text('grant_type=authorization_code&code=abc&code_verifier=xyz&client_id=app')).toBe(
      'grant_type=authorization_code&code=[REDACTED:query-param]&code_verifier=[REDACTED:query-param]&client_id=app',
    );
    expect(text('code=abc&x=1')).toBe('code=[REDACTED:query-param]&x=1');
  });

  it('leaves ordinary parameters alone', () => {
    const u = 'https://example.com/search?q=token+limits&keyword=secret&page=2';
    expect(r.url(u)).toEqual({ value: u, rules: [] });
  });
});

describe('key = value in text', () => {
  it('masks values after denied names in env dumps, YAML, JSON-in-text and escaped JSON', () => {
    expect(text('GITHUB_TOKEN=abc123 HOME=/root')).toBe('GITHUB_TOKEN=[REDACTED:key] HOME=/root');
    expect(text('db:\n  password: S3cure-pass\n  host: db')).toBe('db:\n  password: [REDACTED:key]\n  host: db');
    expect(text('{"apiKey": "k-1", "name": "x"}')).toBe('{"apiKey": "[REDACTED:key]", "name": "x"}');
    expect(text('{\\"client_secret\\":\\"cs-1\\",\\"a\\":1}')).toBe('{\\"client_secret\\":\\"[REDACTED:key]\\",\\"a\\":1}');
    expect(text("config = {'api key': 'k2'}")).toBe("config = {'api key': '[REDACTED:key]'}");
  });

  it('keeps the scheme of an Authorization value', () => {
    expect(text('Authorization: Token 0123abcdef')).toBe('Authorization: Token [REDACTED:key]');
  });

  it('keeps JSON numbers, type annotations, prose after a colon and ordinary keys', () => {
    for (const s of [
      '{"token": 12, "max_tokens": 100, "tokenizer": "cl100k"}',
      'function f(apiKey: string, password?: string): void',
      'interface S { token: Token; session: Session }',
      'Requires auth: a token with repo scope. The session: expires in 1h.',
      'keyboard: qwerty, monkey=see',
      'a == b; token === other',
    ]) {
      expect(r.text(s)).toEqual({ value: s, rules: [] });
    }
  });

  it('still looks inside the value of an ordinary key', () => {
    expect(text('note: token=abc123')).toBe('note: token=[REDACTED:key]');
  });
});
