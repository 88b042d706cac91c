import { describe, expect, it } from 'vitest';
import { POISONING_RULES, type FixtureCase, type PoisoningRule, type ScanContext } from './rules.js';
import { escapeInvisible, selectorRuns, tagRuns } from './unicode.js';

const context = (fixture: FixtureCase): ScanContext => ({ server: 'this', otherServers: [], foreignTools: new Set(), ...fixture.context });
const run = (rule: PoisoningRule, fixture: FixtureCase) =>
  rule.find({ text: fixture.text, scope: fixture.scope ?? rule.scopes[0] ?? 'definition', ...(fixture.parameter ? { parameter: fixture.parameter } : {}) }, context(fixture));

describe.each(POISONING_RULES.map((rule) => [rule.id, rule] as const))('rule %s', (_id, rule) => {
  it('is described: severity, one-line rationale, advice', () => {
    expect(['info', 'warning', 'high']).toContain(rule.severity);
    expect(rule.rationale).not.toContain('\n');
    expect(rule.rationale.length).toBeGreaterThan(20);
    expect(rule.advice.length).toBeGreaterThan(20);
    expect(rule.fixtures.flagged.length).toBeGreaterThan(0);
    expect(rule.fixtures.clean.length).toBeGreaterThan(0);
  });

  it.each(rule.fixtures.flagged.map((f) => [escapeInvisible(f.text), f] as const))('flags %s', (_text, fixture) => {
    // The cheap pre-test must let every text the rule flags through.
    expect(rule.quick?.test(fixture.text) ?? true).toBe(true);
    const matches = run(rule, fixture);
    expect(matches.length).toBeGreaterThan(0);
    const first = matches[0]!;
    if (fixture.match !== undefined) expect(fixture.text.slice(first.start, first.end)).toBe(fixture.match);
    if (fixture.decoded !== undefined) expect(first.decoded).toBe(fixture.decoded);
  });

  it.each(rule.fixtures.clean.map((f) => [escapeInvisible(f.text), f] as const))('leaves alone %s', (_text, fixture) => {
    expect(run(rule, fixture)).toEqual([]);
  });
});

describe('hidden Unicode', () => {
  it('gives offsets in UTF-16 code units and decodes tag characters', () => {
    const hidden = [...'hi there'].map((c) => String.fromCodePoint(0xe0000 + (c.codePointAt(0) as number))).join('');
    const text = `ab${hidden}cd`;
    const [run] = tagRuns(text);
    expect(run).toEqual({ start: 2, end: 2 + hidden.length, decoded: 'hi there' });
    expect(hidden.length).toBe(16);
  });

  it('decodes variation-selector bytes as UTF-8', () => {
    const bytes = [...new TextEncoder().encode('héllo')];
    const text = `x${bytes.map((b) => String.fromCodePoint(b < 16 ? 0xfe00 + b : 0xe0100 + b - 16)).join('')}`;
    expect(selectorRuns(text)[0]?.decoded).toBe('héllo');
  });

  it('draws invisible characters as escapes', () => {
    expect(escapeInvisible('a\u200bb\u{E0041}')).toBe('a\\u{200B}b\\u{E0041}');
  });
});
