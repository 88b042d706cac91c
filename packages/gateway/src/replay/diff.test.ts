import { describe, expect, it } from 'vitest';
import { diffAnswers } from './diff.js';
import { parsePathPattern } from '../replay-shared/index.js';
import { redactedPaths } from './redacted.js';

const answer = (result: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: 1, result, ...extra });

describe('diffAnswers', () => {
  it('is empty for the same answer under another id and other _meta', () => {
    const before = answer({ content: [{ type: 'text', text: 'a' }], _meta: { at: 1 } });
    const after = { ...answer({ content: [{ type: 'text', text: 'a' }], _meta: { at: 2 } }), id: 'mcp-gateway-replay-x' };
    expect(diffAnswers(before, after)).toEqual([]);
  });

  it('names each changed, added and removed path', () => {
    const before = answer({ content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], old: true });
    const after = answer({ content: [{ type: 'text', text: 'z' }], 'new-key': 1 });
    expect(diffAnswers(before, after)).toEqual([
      { path: '$.result.content[0].text', change: 'changed', before: 'a', after: 'z' },
      { path: '$.result.content[1]', change: 'removed', before: { type: 'text', text: 'b' }, after: null },
      { path: '$.result.old', change: 'removed', before: true, after: null },
      { path: '$.result["new-key"]', change: 'added', before: null, after: 1 },
    ]);
  });

  it('shows an error ↔ result flip and an isError flip', () => {
    const flip = diffAnswers(answer({ content: [] }), { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'bad' } });
    expect(flip.map((d) => [d.path, d.change])).toEqual([
      ['$.result', 'removed'],
      ['$.error', 'added'],
    ]);
    expect(diffAnswers(answer({ isError: false }), answer({ isError: true }))).toEqual([{ path: '$.result.isError', change: 'changed', before: false, after: true }]);
    expect(diffAnswers(answer({}), answer({ isError: true }))).toEqual([{ path: '$.result.isError', change: 'added', before: null, after: true }]);
  });

  it('tells 1 from "1" and null from absent', () => {
    expect(diffAnswers(answer({ n: 1 }), answer({ n: '1' }))).toHaveLength(1);
    expect(diffAnswers(answer({ n: null }), answer({}))).toEqual([{ path: '$.result.n', change: 'removed', before: null, after: null }]);
  });

  it('leaves out ignored paths and what lies below them', () => {
    const before = answer({ content: [{ type: 'text', text: 'at 10:00' }, { type: 'text', text: 'x' }], stamp: { a: 1 } });
    const after = answer({ content: [{ type: 'text', text: 'at 10:01' }, { type: 'text', text: 'y' }], stamp: { a: 2 } });
    const ignore = ['$.result.content[*].text', '$.result.stamp'].map(parsePathPattern);
    expect(diffAnswers(before, after, { ignore })).toEqual([]);
    expect(diffAnswers(before, after, { ignore: [parsePathPattern('$.result.content[0].text')] }).map((d) => d.path)).toEqual([
      '$.result.content[1].text',
      '$.result.stamp.a',
    ]);
  });
});

describe('redactedPaths', () => {
  it('finds every masked value and key, and nothing else', () => {
    const params = { name: 'login', arguments: { user: 'me', password: '[REDACTED:key]', nested: ['ok', 'Bearer [REDACTED:jwt]'] }, '[REDACTED:key]': 1 };
    expect(redactedPaths(params)).toEqual(['$.arguments.password', '$.arguments.nested[1]', '$["[REDACTED:key]"]']);
    expect(redactedPaths({ arguments: { text: 'REDACTED is a word', n: 3 } })).toEqual([]);
  });
});
