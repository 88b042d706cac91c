import { describe, expect, it } from 'vitest';
import { formatPath, matchesPattern, parsePathPattern, PathPatternError } from './json-path.js';

describe('formatPath', () => {
  it('writes keys after dots and indexes in brackets, quoting keys that are not identifiers', () => {
    expect(formatPath(['arguments', 'text'])).toBe('$.arguments.text');
    expect(formatPath(['items', 2, 'a b'])).toBe('$.items[2]["a b"]');
    expect(formatPath([])).toBe('$');
  });
});

describe('parsePathPattern', () => {
  it('parses keys, indexes, quoted keys and wildcards', () => {
    expect(parsePathPattern('$.result.content[*].text').steps).toEqual(['result', 'content', { any: true }, 'text']);
    expect(parsePathPattern('$["a b"][2].*').steps).toEqual(['a b', 2, { any: true }]);
  });

  it('refuses what is not a path, saying how to write one', () => {
    for (const bad of ['result.x', '$.', '$[x]', '$.a[1', '$..a']) expect(() => parsePathPattern(bad)).toThrow(PathPatternError);
    expect(() => parsePathPattern('x')).toThrow(/write it like \$\.result/);
  });
});

describe('matchesPattern', () => {
  it('matches the path itself and what lies below it, * standing for any key or index', () => {
    const pattern = parsePathPattern('$.result.content[*].text');
    expect(matchesPattern(['result', 'content', 3, 'text'], pattern)).toBe(true);
    expect(matchesPattern(['result', 'content', 0, 'text', 'x'], pattern)).toBe(true);
    expect(matchesPattern(['result', 'content', 0], pattern)).toBe(false);
    expect(matchesPattern(['result', 'other', 0, 'text'], pattern)).toBe(false);
  });
});
