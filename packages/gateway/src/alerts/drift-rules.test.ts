import { describe, expect, it } from 'vitest';
import { canonicalEntry, canonicalList, type CanonicalList } from '../definitions/canonical.js';
import { compareLists } from '../definitions/drift.js';
import { DRIFT_RULES, driftRuleOf } from './drift-rules.js';

const tools = (items: unknown[]): CanonicalList => canonicalList('tools', items.map((item) => canonicalEntry('tools', item)!));
const rulesRaised = (before: unknown[], after: unknown[]): string[] => compareLists(tools(before), tools(after)).map(driftRuleOf);

describe.each(DRIFT_RULES.filter((r) => r.fixtures.flagged.length > 0).map((rule) => [rule.id, rule] as const))('rule %s', (id, rule) => {
  it.each(rule.fixtures.flagged.map((f, i) => [i, f] as const))('raised by flagged fixture %i', (_i, fixture) => {
    expect(rulesRaised(fixture.before, fixture.after)).toContain(id);
  });
  it.each(rule.fixtures.clean.map((f, i) => [i, f] as const))('not raised by clean fixture %i', (_i, fixture) => {
    expect(rulesRaised(fixture.before, fixture.after)).not.toContain(id);
  });
});

describe('canonical definitions', () => {
  it('treats spelled-out annotation defaults and key order as no change', () => {
    const a = canonicalEntry('tools', { name: 't', inputSchema: { type: 'object', properties: {} } })!;
    const b = canonicalEntry('tools', {
      inputSchema: { properties: {}, type: 'object' },
      annotations: { openWorldHint: true, idempotentHint: false, destructiveHint: true, readOnlyHint: false },
      name: 't',
    })!;
    expect(b.hash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('counts _meta and icons as part of the definition', () => {
    const a = canonicalEntry('tools', { name: 't' })!;
    expect(canonicalEntry('tools', { name: 't', _meta: { x: 1 } })!.hash).not.toBe(a.hash);
    expect(canonicalEntry('tools', { name: 't', icons: [{ src: 'https://x/i.png' }] })!.hash).not.toBe(a.hash);
  });

  it('reports schema changes as JSON paths', () => {
    const before = tools([{ name: 't', inputSchema: { type: 'object', properties: { a: { type: 'string' } } } }]);
    const after = tools([{ name: 't', inputSchema: { type: 'object', properties: { a: { type: 'number' } } } }]);
    expect(compareLists(before, after)).toMatchObject([{ type: 'schema', field: 'inputSchema', path: ['properties', 'a', 'type'], before: 'string', after: 'number' }]);
  });

  it('sees a definition under a new name as renamed, not as one removed and one added', () => {
    expect(rulesRaised([{ name: 'a', description: 'd' }], [{ name: 'b', description: 'd' }])).toEqual(['drift-renamed']);
  });
});
