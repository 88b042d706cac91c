import { describe, expect, it } from 'vitest';
import type { Row } from '../traffic/row.js';
import { compileQuery } from './query.js';

function row(partial: Partial<Row>): Row {
  return {
    id: 1,
    timestamp: 1000,
    server: 'alpha',
    sessionId: 'abcdef123456',
    direction: 'client_to_server',
    kind: 'request',
    method: 'tools/call',
    target: 'echo',
    jsonrpcId: 1,
    pairedId: null,
    relatedId: null,
    durationMs: null,
    httpStatus: 200,
    size: 100,
    isError: false,
    origin: 'client',
    replayOf: null,
    injected: null,
    pair: null,
    ...partial,
  };
}

describe('compileQuery', () => {
  it('sends single positive terms to the API and checks everything on rows', () => {
    const q = compileQuery({ server: 'alpha' }, 'method:tools/call -kind:notification status:error duration>100 "hello world"');
    expect(q.apiParams).toEqual({ server: 'alpha', method: 'tools/call', errors: 'true', minDurationMs: '100', q: 'hello world' });
    expect(q.clientOnly).toBe(true);
    expect(q.text).toBe('hello world');
    expect(q.predicate(row({ kind: 'error', isError: true, durationMs: 150 }))).toBe(true);
    expect(q.predicate(row({ kind: 'error', isError: true, durationMs: 100 }))).toBe(false);
    expect(q.predicate(row({ kind: 'notification', isError: true, durationMs: 150 }))).toBe(false);
    expect(q.predicate(row({ server: 'beta', kind: 'error', isError: true, durationMs: 150 }))).toBe(false);
  });

  it('treats several terms of one key as alternatives, kept in the browser', () => {
    const q = compileQuery({}, 'kind:request kind:error');
    expect(q.apiParams).toEqual({});
    expect(q.clientOnly).toBe(true);
    expect(q.predicate(row({ kind: 'request' }))).toBe(true);
    expect(q.predicate(row({ kind: 'error' }))).toBe(true);
    expect(q.predicate(row({ kind: 'response' }))).toBe(false);
  });

  it('narrows tool:x to tools/call on the API and the tool in the browser', () => {
    const q = compileQuery({}, 'tool:echo');
    expect(q.apiParams).toEqual({ method: 'tools/call' });
    expect(q.predicate(row({ target: 'echo' }))).toBe(true);
    expect(q.predicate(row({ target: 'other' }))).toBe(false);
  });

  it('matches method prefixes, session starts, HTTP status classes and pending requests', () => {
    const q = compileQuery({}, 'method:tools/* session:abc status:2xx status:pending');
    expect(q.apiParams).toEqual({ method: 'tools/*' });
    expect(q.predicate(row({ method: 'tools/list' }))).toBe(true);
    expect(q.predicate(row({ method: 'prompts/list' }))).toBe(false);
    expect(q.predicate(row({ sessionId: 'xyz' }))).toBe(false);
    // status:2xx status:pending are alternatives
    expect(q.predicate(row({ httpStatus: 500, pairedId: null }))).toBe(true);
    expect(q.predicate(row({ httpStatus: 500, pairedId: 9 }))).toBe(false);
  });

  it('keeps 1 and "1" apart as JSON-RPC ids', () => {
    const number = compileQuery({}, 'id:1');
    const string = compileQuery({}, 'id:"1"');
    expect(number.apiParams).toEqual({ jsonrpcId: '1' });
    expect(string.apiParams).toEqual({ jsonrpcId: '"1"' });
    expect(number.predicate(row({ jsonrpcId: 1 }))).toBe(true);
    expect(number.predicate(row({ jsonrpcId: '1' }))).toBe(false);
    expect(string.predicate(row({ jsonrpcId: '1' }))).toBe(true);
  });

  it('applies the time range and the errors control', () => {
    const q = compileQuery({ since: 500, until: 1500, errors: true }, '');
    expect(q.apiParams).toEqual({ since: '500', until: '1500', errors: 'true' });
    expect(q.clientOnly).toBe(false);
    expect(q.predicate(row({ timestamp: 2000, isError: true }))).toBe(false);
    expect(q.predicate(row({ timestamp: 1000, isError: true }))).toBe(true);
  });

  it('uses the answer duration of a request and compares sizes', () => {
    const q = compileQuery({}, 'duration<50 size>=100');
    expect(q.predicate(row({ pair: { id: 2, kind: 'response', durationMs: 20, isError: false } }))).toBe(true);
    expect(q.predicate(row({ durationMs: null }))).toBe(false);
    expect(q.predicate(row({ durationMs: 20, size: 99 }))).toBe(false);
  });

  it('narrows on origin: the API reads origin=, the browser checks the row', () => {
    const replay = compileQuery({}, 'origin:replay');
    expect(replay.apiParams).toEqual({ origin: 'replay' });
    expect(replay.clientOnly).toBe(false);
    expect(replay.predicate(row({ origin: 'replay', replayOf: 3 }))).toBe(true);
    expect(replay.predicate(row({}))).toBe(false);
    const client = compileQuery({}, 'origin:Client');
    expect(client.apiParams).toEqual({ origin: 'client' });
    expect(client.predicate(row({}))).toBe(true);
    const notReplay = compileQuery({}, '-origin:replay');
    expect(notReplay.apiParams).toEqual({});
    expect(notReplay.clientOnly).toBe(true);
    expect(notReplay.predicate(row({ origin: 'replay' }))).toBe(false);
  });

  it('matches everything when empty, with equal keys for equal queries', () => {
    const a = compileQuery({}, '');
    expect(a.predicate(row({}))).toBe(true);
    expect(a.key).toBe(compileQuery({}, '  ').key);
  });
});
