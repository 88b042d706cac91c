import { describe, expect, it } from 'vitest';
import { presetRuleNames, providerScanner, RULE_CONFIG, SKIPPED_RULES } from './provider-rules.js';
import { createRedactor } from './redactor.js';
import { fake, filler } from './test-support/fixtures.js';
import type { Finding } from './types.js';

const r = createRedactor();

function toolResult(text: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text }], isError: false } });
}

function resultText(out: string): string {
  const parsed = JSON.parse(out) as { result: { content: { text: string }[] } };
  return parsed.result.content[0]?.text ?? '';
}

describe('secretlint preset, run synchronously', () => {
  it('accounts for every rule of the installed preset', () => {
    // A new preset version with a new rule fails here, so its keywords get added.
    const handled = new Set([...Object.keys(RULE_CONFIG), ...Object.keys(SKIPPED_RULES)]);
    for (const name of presetRuleNames()) expect(handled, name).toContain(name);
  });

  it.each([
    ['github-pat', fake.githubPat],
    ['github-fine-grained-pat', fake.githubFineGrained],
    ['slack-bot-token', fake.slackBot],
    ['slack-webhook-url', fake.slackWebhook],
    ['aws-access-token', fake.awsKeyId],
    ['openai-api-key', fake.openaiLegacy],
    ['openai-api-key', fake.openaiProject],
    ['anthropic-api-key', fake.anthropic],
    ['stripe-secret-key', fake.stripeLive],
    ['gitlab-pat', fake.gitlab],
    ['npm-access-token', fake.npm],
    ['sendgrid-api-token', fake.sendgrid],
    ['huggingface-access-token', fake.huggingface],
  ])('masks %s inside a tools/call result text', (rule, token) => {
    const out = r.message(toolResult(`Here is the config:\n  value: ${token}\nand nothing else.`));
    expect(resultText(out.value)).toBe(`Here is the config:\n  value: [REDACTED:${rule}]\nand nothing else.`);
    expect(out.rules).toEqual([rule]);
  });

  it('masks several providers in one string', () => {
    const out = r.text(`${fake.githubPat} ${fake.slackBot} ${fake.awsKeyId}`);
    expect(out.value).toBe('[REDACTED:github-pat] [REDACTED:slack-bot-token] [REDACTED:aws-access-token]');
    expect(out.rules).toEqual(['aws-access-token', 'github-pat', 'slack-bot-token']);
  });

  it('masks the AWS secret access key itself, not the label (secretlint reports the wrong range)', () => {
    expect(r.text(`aws_secret_access_key = ${fake.awsSecret}\nregion = eu`).value).toBe(
      'aws_secret_access_key = [REDACTED:aws-secret-access-key]\nregion = eu',
    );
  });

  it('masks the token of an x-oauth-basic URL (secretlint reports the wrong range)', () => {
    const token = filler(40, '0123456789abcdef');
    expect(r.text(`git remote https://${token}:x-oauth-basic@github.com/o/r.git`).value).toBe(
      'git remote https://[REDACTED:github-oauth-url]:[REDACTED:url-userinfo]@github.com/o/r.git',
    );
  });

  it('is not switched off by secretlint-disable comments in recorded traffic', () => {
    expect(r.text(`// secretlint-disable\n${fake.githubPat}`).value).toBe('// secretlint-disable\n[REDACTED:github-pat]');
  });

  it('ignores the documented AWS example key id, as secretlint does', () => {
    expect(r.text('AKIAIOSFODNN7EXAMPLE').rules).toEqual([]);
  });

  it('clamps findings to the scanned string', () => {
    const scan = providerScanner();
    const s = `x ${fake.githubPat}`;
    const out: Finding[] = [];
    scan(s, out);
    expect(out).toHaveLength(1);
    for (const f of out) {
      expect(f.start).toBeGreaterThanOrEqual(0);
      expect(f.end).toBeLessThanOrEqual(s.length);
    }
  });

  it('finds nothing in ordinary text', () => {
    const s = 'The account settings page shows the secret key of a session; sk_ and ghp_ are prefixes.';
    expect(r.text(s)).toEqual({ value: s, rules: [] });
  });
});

describe('the one-regex pre-test', () => {
  const gated = providerScanner();
  const ungated = providerScanner({ gate: false });
  const findings = (scan: ReturnType<typeof providerScanner>, s: string): Finding[] => {
    const out: Finding[] = [];
    scan(s, out);
    return out;
  };

  // Every token the rules know, each keyword alone and in odd case, the AWS
  // phrase trigger, and text that holds none of them.
  const samples = [
    ...Object.values(fake),
    ...Object.values(RULE_CONFIG).flatMap((c) => c.keywords.flatMap((k) => [k, `x ${k}${filler(40)} y`, k.toUpperCase(), k.toLowerCase()])),
    `aws_secret_access_key = ${fake.awsSecret}`,
    `"account_id": "123456789012"`,
    `SECRET_ACCESS_KEY: ${fake.awsSecret}`,
    'hello from the bench',
    'tools/call',
    JSON.stringify({ content: [{ type: 'text', text: 'The quick brown fox; 0123 abc.' }] }),
  ];

  it('finds exactly what the rules alone find', () => {
    for (const s of samples) expect(findings(gated, s), s).toEqual(findings(ungated, s));
    // The samples do exercise the rules, not only the skipping.
    expect(samples.filter((s) => findings(ungated, s).length > 0).length).toBeGreaterThan(Object.keys(fake).length);
  });
});
