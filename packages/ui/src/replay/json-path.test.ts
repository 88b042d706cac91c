import { describe, expect, it } from 'vitest';
import { formatPath, isWithin, jsonTree, lineColumn, linesOf, locate, parsePath } from './json-path.js';

describe('parsePath and formatPath', () => {
  it('reads the paths the gateway writes', () => {
    expect(parsePath('$.result.content[0].text')).toEqual(['result', 'content', 0, 'text']);
    expect(parsePath('$')).toEqual([]);
    expect(parsePath('$["a key"].b')).toEqual(['a key', 'b']);
    expect(parsePath("$['it\\'s']")).toEqual(["it's"]);
  });
  it('refuses what is not a path', () => {
    expect(parsePath('result.content')).toBeNull();
    expect(parsePath('$.a[x]')).toBeNull();
    expect(parsePath('$..a')).toBeNull();
  });
  it("reads back what the gateway's formatPath writes", () => {
    const odd = ['x.y', 'q"r', 3];
    expect(parsePath(formatPath(odd))).toEqual(odd);
  });
  it('knows ancestry', () => {
    expect(isWithin(['a', 0, 'b'], ['a', 0])).toBe(true);
    expect(isWithin(['a'], ['a', 0])).toBe(false);
    expect(isWithin(['b'], [])).toBe(true);
  });
});

describe('locate', () => {
  const text = JSON.stringify({ arguments: { token: '[REDACTED:bearer]', n: [1, 2] } }, null, 2);
  const tree = jsonTree(text);
  it('finds the text of a value by its path', () => {
    const range = locate(tree, ['arguments', 'token']);
    expect(range && text.slice(range.offset, range.offset + range.length)).toBe('"[REDACTED:bearer]"');
    const item = locate(tree, ['arguments', 'n', 1]);
    expect(item && text.slice(item.offset, item.offset + item.length)).toBe('2');
    expect(item && linesOf(text, item)).toEqual([5, 5]);
  });
  it('falls back to the nearest parent only when asked', () => {
    expect(locate(tree, ['arguments', 'missing'])).toBeNull();
    const parent = locate(tree, ['arguments', 'missing'], true);
    expect(parent && text.slice(parent.offset, parent.offset + 1)).toBe('{');
  });
  it('gives 1-based line and column', () => {
    expect(lineColumn('{\n  "a": x', 9)).toEqual({ line: 2, column: 8 });
  });
});
