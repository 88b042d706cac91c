import { describe, expect, it } from 'vitest';
import type { DiffEntry } from '@mcp-gateway/gateway/types';
import { changedLines, prettyJson } from './diff-lines.js';

const before = prettyJson(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hello' }], extra: { a: 1, b: 2 } } }));
const after = prettyJson(JSON.stringify({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'HELLO' }], added: true } }));
const diff: DiffEntry[] = [
  { path: '$.result.content[0].text', change: 'changed', before: 'hello', after: 'HELLO' },
  { path: '$.result.extra', change: 'removed', before: { a: 1, b: 2 }, after: null },
  { path: '$.result.added', change: 'added', before: null, after: true },
];

const linesWith = (text: string, lines: Set<number>): string[] => [...lines].sort((a, b) => a - b).map((n) => (text.split('\n')[n] ?? '').trim());

describe('changedLines', () => {
  it('marks what changed or was removed on the old side, the whole of a removed object', () => {
    expect(linesWith(before, changedLines(before, diff, 'before'))).toEqual(['"text": "hello"', '"extra": {', '"a": 1,', '"b": 2', '}']);
  });
  it('marks what changed or was added on the new side', () => {
    expect(linesWith(after, changedLines(after, diff, 'after'))).toEqual(['"text": "HELLO"', '"added": true']);
  });
  it('ignores paths it cannot read or find, and text that is not JSON', () => {
    expect(changedLines(before, [{ path: 'nonsense', change: 'changed', before: 1, after: 2 }], 'before').size).toBe(0);
    expect(changedLines(before, [{ path: '$.result.nothing', change: 'changed', before: 1, after: 2 }], 'before').size).toBe(0);
    expect(changedLines('not json', diff, 'after').size).toBe(0);
  });
  it('marks an error that replaced a result', () => {
    const error = prettyJson(JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'bad' } }));
    const lines = changedLines(error, [{ path: '$.error', change: 'added', before: null, after: {} }], 'after');
    expect(linesWith(error, lines)).toEqual(['"error": {', '"code": -32602,', '"message": "bad"', '}']);
  });
});

describe('prettyJson', () => {
  it('indents JSON and keeps other text as it is', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('{"a":')).toBe('{"a":');
  });
});
