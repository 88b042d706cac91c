// Redaction runs inline on the recording path and must never backtrack
// catastrophically: a bad regex on a hostile 1 MB string takes minutes, not
// milliseconds. The bounds here only catch that; speed itself is measured by
// `pnpm bench`, not asserted in tests.
import { describe, expect, it } from 'vitest';
import { createRedactor } from './redactor.js';
import { fake } from './test-support/fixtures.js';

const MB = 1_000_000;

function timeMs(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

describe('no catastrophic backtracking', () => {
  const r = createRedactor({
    knownSecrets: ['configured-secret-1', 'Bearer configured-token-2', 'env-value-3-abcdef'],
  });

  it('redacts a 1 MB string leaf in bounded time', () => {
    // Just under maxScanChars (1_000_000), with a token at the very end.
    const prose = 'Lorem ipsum dolor sit amet, account: 12 token count; see https://example.com/a?b=c. '.repeat(12_500);
    const text = `${prose.slice(0, MB - 60)} ${fake.githubPat}`;
    expect(text.length).toBeGreaterThan(MB - 100);
    r.text(text.slice(0, 10_000)); // warm-up
    let out = '';
    const ms = timeMs(() => {
      out = r.message(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text }] } })).value;
    });
    expect(out.endsWith('[REDACTED:github-pat]"}]}}')).toBe(true);
    expect(ms).toBeLessThan(1000);
  });

  describe('adversarial inputs finish quickly', () => {
    const cases: [string, string][] = [
      ['1 MB of a', 'a'.repeat(MB)],
      ['eyJ repeated', 'eyJ'.repeat(MB / 3)],
      ['eyJ segments without a third part', 'eyJaaaa.eyJbbbb'.repeat(MB / 15)],
      ['eyJ joined by dashes', 'eyJ-'.repeat(MB / 4)],
      ['BEGIN without END', '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(MB / 32)],
      ['BEGIN then endless base64', `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(MB)}`],
      ['postgres:// with no end', `postgres://${'u'.repeat(MB)}`],
      ['postgres://u: repeated', 'postgres://u:'.repeat(MB / 13)],
      ['scheme://user: with a long password and no @', `https://user:${'p'.repeat(MB)}`],
      ['Bearer with an endless token', `Bearer ${'A'.repeat(MB)}=x`],
      ['bearer repeated', 'bearer '.repeat(MB / 7)],
      ['key=value separators', 'token='.repeat(MB / 6)],
      ['quoted key with no closing quote', `"password": "${'x'.repeat(MB)}`],
      ['colons', ':'.repeat(MB)],
      ['escaped quotes', '\\"'.repeat(MB / 2)],
      ['query separators', '?token=&'.repeat(MB / 8)],
      ['slack prefix repeated', 'xoxb-'.repeat(MB / 5)],
      ['github app token prefix repeated', 'ghs_1_a.'.repeat(MB / 8)],
      ['x-oauth-basic bait', `${'https://a'.repeat(MB / 9)}:x-oauth-basic@github.com/`],
      ['AWS secret bait', 'aws_secret_access_key='.repeat(MB / 22)],
    ];

    it.each(cases)('%s', (_name, input) => {
      const ms = timeMs(() => {
        r.text(input);
        r.message(JSON.stringify({ text: input }));
      });
      expect(ms).toBeLessThan(2000);
    });
  });
});
