import { describe, expect, it } from 'vitest';
import { splitPaths } from './ignore-paths.js';

describe('splitPaths', () => {
  it('reads paths separated by commas or lines, dropping empty parts', () => {
    expect(splitPaths(' $.result.content[*].text, $.result.at\n\n$.id ,')).toEqual(['$.result.content[*].text', '$.result.at', '$.id']);
    expect(splitPaths('   ')).toEqual([]);
  });
});
