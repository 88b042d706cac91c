import { describe, expect, it } from 'vitest';
import { parseFilter, tokenize } from './grammar.js';

describe('tokenize', () => {
  it('splits on spaces outside quotes and keeps escaped quotes', () => {
    expect(tokenize('  method:tools/call  "two words" key:"a \\" b"  ')).toEqual(['method:tools/call', '"two words"', 'key:"a \\" b"']);
  });
  it('keeps an unterminated quote to the end', () => {
    expect(tokenize('"abc def')).toEqual(['"abc def']);
  });
});

describe('parseFilter', () => {
  it('parses the example from the issue', () => {
    const { terms, problems } = parseFilter('method:tools/call -kind:notification status:error duration>100 "text"');
    expect(problems).toEqual([]);
    expect(terms).toEqual([
      { type: 'field', key: 'method', value: 'tools/call', quoted: false, negate: false },
      { type: 'field', key: 'kind', value: 'notification', quoted: false, negate: true },
      { type: 'field', key: 'status', value: 'error', quoted: false, negate: false },
      { type: 'compare', key: 'duration', op: '>', value: 100, negate: false },
      { type: 'text', value: 'text' },
    ]);
  });

  it('understands aliases, units and comparison operators', () => {
    const { terms } = parseFilter('type:req direction:s2c size>=2k duration<=1.5s larger-than:1m is:pending');
    expect(terms).toEqual([
      { type: 'field', key: 'kind', value: 'req', quoted: false, negate: false },
      { type: 'field', key: 'dir', value: 's2c', quoted: false, negate: false },
      { type: 'compare', key: 'size', op: '>=', value: 2048, negate: false },
      { type: 'compare', key: 'duration', op: '<=', value: 1500, negate: false },
      { type: 'compare', key: 'size', op: '>', value: 1024 * 1024, negate: false },
      { type: 'field', key: 'status', value: 'pending', quoted: false, negate: false },
    ]);
  });

  it('keeps quoted values and marks them quoted (id:"1" is the string id)', () => {
    expect(parseFilter('id:"1" tool:"get weather"').terms).toEqual([
      { type: 'field', key: 'id', value: '1', quoted: true, negate: false },
      { type: 'field', key: 'tool', value: 'get weather', quoted: true, negate: false },
    ]);
  });

  it('reports bad values and leaves those terms out', () => {
    const { terms, problems } = parseFilter('kind:banana dir:up status:7 duration>soon method:');
    expect(terms).toEqual([]);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toContain('kind:banana is not a kind');
  });

  it('searches unknown keys as text, with a hint, and refuses excluded text', () => {
    const { terms, problems } = parseFilter('foo:bar -weather https://x.test/a');
    expect(terms).toEqual([
      { type: 'text', value: 'foo:bar' },
      { type: 'text', value: 'https://x.test/a' },
    ]);
    expect(problems).toEqual([expect.stringContaining('foo: is not a filter'), expect.stringContaining('-weather: only key:value terms')]);
  });

  it('reads origin:replay and origin:client, and refuses other origins', () => {
    expect(parseFilter('origin:replay -origin:client').terms).toEqual([
      { type: 'field', key: 'origin', value: 'replay', quoted: false, negate: false },
      { type: 'field', key: 'origin', value: 'client', quoted: false, negate: true },
    ]);
    expect(parseFilter('origin:proxy').problems).toEqual(['origin:proxy is not an origin (replay or client)']);
  });

  it('treats a lone dash and an empty input as nothing special', () => {
    expect(parseFilter('').terms).toEqual([]);
    expect(parseFilter('-').terms).toEqual([{ type: 'text', value: '-' }]);
  });
});
