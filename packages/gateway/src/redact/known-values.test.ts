import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { knownVariants } from './known-values.js';
import { createRedactor } from './redactor.js';

const SECRET = 'p@ss word/with+chars?&"x';

describe('known values', () => {
  const r = createRedactor({ knownSecrets: [SECRET] });

  it.each([
    ['raw', SECRET],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['form-encoded', encodeURIComponent(SECRET).replace(/%20/g, '+')],
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['base64 without padding', Buffer.from(SECRET).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
  ])('masks the %s form in text', (_name, form) => {
    const out = r.text(`before ${form} after`);
    expect(out.value).toBe('before [REDACTED:known-value] after');
    expect(out.rules).toEqual(['known-value']);
  });

  it('masks every occurrence inside a JSON string leaf', () => {
    const msg = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: `${SECRET} and ${SECRET}` }] } });
    const out = r.message(msg);
    expect(JSON.parse(out.value)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { content: [{ type: 'text', text: '[REDACTED:known-value] and [REDACTED:known-value]' }] },
    });
  });

  it('ignores values shorter than 8 characters', () => {
    const short = createRedactor({ knownSecrets: ['true', '1', 'prod', 'abcdefg'] });
    expect(short.text('true 1 prod abcdefg').rules).toEqual([]);
  });

  it('treats the part after Bearer/Basic as its own known value', () => {
    const basic = Buffer.from('alice:correct-horse-battery').toString('base64');
    const k = createRedactor({ knownSecrets: ['Bearer tok-1234567890', `Basic ${basic}`] });
    expect(k.text('echo tok-1234567890').value).toBe('echo [REDACTED:known-value]');
    expect(k.text(`upstream said ${basic}`).value).toBe('upstream said [REDACTED:known-value]');
    expect(k.text('login alice:correct-horse-battery').value).toBe('login [REDACTED:known-value]');
    expect(k.text('password correct-horse-battery').value).toBe('password [REDACTED:known-value]');
  });

  it('orders variants longest first and deduplicates them', () => {
    const v = knownVariants(['abcdefgh', 'abcdefgh-longer']);
    expect(v[0]).toBe(Buffer.from('abcdefgh-longer').toString('base64'));
    expect(new Set(v).size).toBe(v.length);
    for (let i = 1; i < v.length; i++) expect((v[i - 1] as string).length).toBeGreaterThanOrEqual((v[i] as string).length);
  });

  it('masks a longer secret whole when a shorter one is inside it', () => {
    const k = createRedactor({ knownSecrets: ['abcdefgh', 'xx-abcdefgh-yy'] });
    expect(k.text('a xx-abcdefgh-yy b abcdefgh').value).toBe('a [REDACTED:known-value] b [REDACTED:known-value]');
  });

  it('ignores non-string entries instead of throwing', () => {
    const k = createRedactor({ knownSecrets: [42 as unknown as string, 'valid-secret-1'] });
    expect(k.text('valid-secret-1').value).toBe('[REDACTED:known-value]');
  });
});
