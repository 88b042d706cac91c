import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { collectEnv, collectHeader, isHttpUrl, parsePort } from './options.js';

describe('parsePort', () => {
  it('accepts 0 to 65535', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('3333')).toBe(3333);
    expect(parsePort('65535')).toBe(65535);
  });

  it.each(['65536', '-1', '3.5', 'abc', '', '1e3', '0x10'])('rejects %j', (value) => {
    expect(() => parsePort(value)).toThrow(InvalidArgumentError);
  });
});

describe('collectHeader', () => {
  it('splits at the first colon and trims', () => {
    const headers = collectHeader('Authorization:  Bearer a:b ', {});
    expect(collectHeader('X-Key: 1', headers)).toEqual({ Authorization: 'Bearer a:b', 'X-Key': '1' });
  });

  it.each(['foo', ': value', 'Bad Name: v'])('rejects %j', (value) => {
    expect(() => collectHeader(value, {})).toThrow(/"Name: value"/);
  });

  it('rejects the same header twice, whatever the case', () => {
    expect(() => collectHeader('authorization: b', { Authorization: 'a' })).toThrow(/twice/);
  });
});

describe('collectEnv', () => {
  it('keeps "=" inside the value', () => {
    expect(collectEnv('TOKEN=a=b', {})).toEqual({ TOKEN: 'a=b' });
    expect(collectEnv('EMPTY=', {})).toEqual({ EMPTY: '' });
  });

  it.each(['FOO', '=x', '1A=x', 'A-B=x'])('rejects %j', (value) => {
    expect(() => collectEnv(value, {})).toThrow(/KEY=VALUE/);
  });
});

describe('isHttpUrl', () => {
  it('accepts only absolute http(s) URLs', () => {
    expect(isHttpUrl('https://example.com/mcp')).toBe(true);
    expect(isHttpUrl('http://127.0.0.1:9/mcp')).toBe(true);
    expect(isHttpUrl('./server.js')).toBe(false);
    expect(isHttpUrl('file:///tmp/x')).toBe(false);
  });
});
