import { describe, expect, it } from 'vitest';
import { classify, classifyTruncated, parseBody } from './jsonrpc.js';
import type { ClassifiedMessage } from './jsonrpc.js';

function one(text: string): ClassifiedMessage {
  const body = parseBody(text);
  expect(body.batch).toBe(false);
  expect(body.messages).toHaveLength(1);
  const m = body.messages[0];
  if (!m) throw new Error('no message');
  return m;
}

const EMPTY = { method: null, id: null, isError: false, progressToken: null, cancelledRequestId: null };

describe('parseBody: kinds', () => {
  it('classifies a request and keeps the original text', () => {
    const text = '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}';
    expect(one(text)).toEqual({ ...EMPTY, kind: 'request', method: 'tools/list', id: 1, text, value: JSON.parse(text) });
  });

  it('classifies a notification', () => {
    expect(one('{"jsonrpc":"2.0","method":"notifications/initialized"}')).toMatchObject({
      kind: 'notification',
      method: 'notifications/initialized',
      id: null,
    });
  });

  it('classifies a response, with the SDK putting the id last', () => {
    expect(one('{"result":{"tools":[]},"jsonrpc":"2.0","id":3}')).toMatchObject({ kind: 'response', id: 3, method: null, isError: false });
  });

  it('classifies errors, with and without an id', () => {
    expect(one('{"jsonrpc":"2.0","id":"r1","error":{"code":-32601,"message":"Method not found"}}')).toMatchObject({
      kind: 'error',
      id: 'r1',
      isError: true,
    });
    expect(one('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}')).toMatchObject({ kind: 'error', id: null, isError: true });
    expect(one('{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: No valid session ID provided"}}')).toMatchObject({
      kind: 'error',
      id: null,
    });
  });

  it('flags a tool failure result as isError but keeps it a response', () => {
    const m = one('{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"boom"}],"isError":true}}');
    expect(m).toMatchObject({ kind: 'response', id: 5, isError: true });
    expect(one('{"jsonrpc":"2.0","id":5,"result":{"isError":false}}').isError).toBe(false);
    expect(one('{"jsonrpc":"2.0","id":5,"result":{"isError":"true"}}').isError).toBe(false);
  });

  it('keeps the JSON type of ids: 1 and "1" differ; floats are allowed', () => {
    expect(one('{"jsonrpc":"2.0","id":1,"method":"ping"}').id).toBe(1);
    expect(one('{"jsonrpc":"2.0","id":"1","method":"ping"}').id).toBe('1');
    expect(one('{"jsonrpc":"2.0","id":1.5,"result":{}}').id).toBe(1.5);
    expect(one('{"jsonrpc":"2.0","id":"","result":{}}').id).toBe('');
  });

  it('extracts progress tokens', () => {
    expect(one('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"x","_meta":{"progressToken":"p-1"}}}').progressToken).toBe('p-1');
    expect(one('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"_meta":{"progressToken":7}}}').progressToken).toBe(7);
    expect(one('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"progressToken":7}}').progressToken).toBe(null);
    expect(one('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"_meta":{"progressToken":{}}}}').progressToken).toBe(null);
    expect(
      one('{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p-1","progress":3,"total":10}}'),
    ).toMatchObject({ kind: 'notification', progressToken: 'p-1' });
    expect(one('{"jsonrpc":"2.0","method":"notifications/message","params":{"progressToken":"p-1"}}').progressToken).toBe(null);
  });

  it('extracts the cancelled request id with its type', () => {
    expect(one('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"4","reason":"user"}}')).toMatchObject({
      kind: 'notification',
      cancelledRequestId: '4',
    });
    expect(one('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":4}}').cancelledRequestId).toBe(4);
    expect(one('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":null}}').cancelledRequestId).toBe(null);
  });

  it('classifies by shape when jsonrpc is missing or wrong', () => {
    expect(one('{"id":1,"method":"ping"}')).toMatchObject({ kind: 'request', method: 'ping', id: 1 });
    expect(one('{"jsonrpc":"1.0","id":1,"result":{}}')).toMatchObject({ kind: 'response', id: 1 });
  });

  it('handles pretty-printed JSON and a leading BOM', () => {
    const text = '{\n  "jsonrpc": "2.0",\n  "id": 9,\n  "method": "resources/read",\n  "params": { "uri": "file:///a" }\n}\n';
    expect(one(text)).toMatchObject({ kind: 'request', id: 9, method: 'resources/read', text });
    expect(one(`\ufeff${text}`)).toMatchObject({ kind: 'request', id: 9, text: `\ufeff${text}` });
    expect(one('  \t\r\n{"jsonrpc":"2.0","method":"x"}  ')).toMatchObject({ kind: 'notification' });
  });
});

describe('parseBody: invalid input', () => {
  it('returns one invalid message with the raw text for non-JSON', () => {
    for (const text of ['', 'not json', '{"jsonrpc":"2.0",', 'event: message']) {
      expect(parseBody(text)).toEqual({ batch: false, messages: [{ ...EMPTY, kind: 'invalid', text, value: undefined }] });
    }
  });

  it.each([
    ['a number', '42'],
    ['a string', '"hello"'],
    ['null', 'null'],
    ['an empty object', '{}'],
    ['a non-string method', '{"jsonrpc":"2.0","method":5}'],
    ['a request with id null', '{"jsonrpc":"2.0","id":null,"method":"ping"}'],
    ['an object id', '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}'],
    ['a boolean id', '{"jsonrpc":"2.0","id":true,"result":{}}'],
    ['both result and error', '{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}'],
    ['a method with a result', '{"jsonrpc":"2.0","id":1,"method":"x","result":{}}'],
    ['a result without an id', '{"jsonrpc":"2.0","result":{}}'],
    ['a result with id null', '{"jsonrpc":"2.0","id":null,"result":{}}'],
    ['a non-object error', '{"jsonrpc":"2.0","id":1,"error":"boom"}'],
    ['an error with an array id', '{"jsonrpc":"2.0","id":[1],"error":{"code":1,"message":"x"}}'],
    ['an inherited-looking key', '{"jsonrpc":"2.0","__proto__":{"method":"x"}}'],
  ])('%s is invalid and keeps its text', (_name, text) => {
    const m = one(text);
    expect(m).toEqual({ ...EMPTY, kind: 'invalid', text, value: JSON.parse(text) });
  });

  it('treats an empty array as a single invalid message', () => {
    expect(parseBody('[]')).toEqual({ batch: false, messages: [{ ...EMPTY, kind: 'invalid', text: '[]', value: [] }] });
    expect(parseBody(' [ ] ').messages[0]?.text).toBe(' [ ] ');
  });
});

describe('parseBody: batches', () => {
  it('gives one message per element with its own text', () => {
    const body = parseBody(
      '[{"jsonrpc":"2.0","id":1,"method":"tools/list"}, {"jsonrpc":"2.0","method":"notifications/initialized"},\n {"jsonrpc":"2.0","id":"1","method":"ping"}]',
    );
    expect(body.batch).toBe(true);
    expect(body.messages.map((m) => [m.kind, m.method, m.id, m.text])).toEqual([
      ['request', 'tools/list', 1, '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'],
      ['notification', 'notifications/initialized', null, '{"jsonrpc":"2.0","method":"notifications/initialized"}'],
      ['request', 'ping', '1', '{"jsonrpc":"2.0","id":"1","method":"ping"}'],
    ]);
  });

  it('handles a mixed batch of responses, errors and invalid elements', () => {
    const body = parseBody('[{"jsonrpc":"2.0","id":1,"result":{"isError":true}},{"jsonrpc":"2.0","id":2,"error":{"code":-32602,"message":"bad"}},42,{},null,[]]');
    expect(body.batch).toBe(true);
    expect(body.messages.map((m) => [m.kind, m.id, m.isError, m.text])).toEqual([
      ['response', 1, true, '{"jsonrpc":"2.0","id":1,"result":{"isError":true}}'],
      ['error', 2, true, '{"jsonrpc":"2.0","id":2,"error":{"code":-32602,"message":"bad"}}'],
      ['invalid', null, false, '42'],
      ['invalid', null, false, '{}'],
      ['invalid', null, false, 'null'],
      ['invalid', null, false, '[]'],
    ]);
    expect(body.messages[2]?.value).toBe(42);
  });
});

describe('classify', () => {
  it('classifies an already parsed value with the given text', () => {
    expect(classify({ jsonrpc: '2.0', id: 0, method: 'ping' }, 'T')).toMatchObject({ kind: 'request', id: 0, text: 'T' });
    expect(classify(undefined, 'raw')).toEqual({ ...EMPTY, kind: 'invalid', text: 'raw', value: undefined });
    expect(classify({ id: Number.NaN, result: {} }, 'x').kind).toBe('invalid');
  });
});

describe('classifyTruncated', () => {
  const big = 'x'.repeat(5 * 1024 * 1024);
  const cut = (text: string, n = 64 * 1024): [string, string] => [text.slice(0, n), text.slice(-n)];

  it('finds the id at the end of a 5 MB SDK response', () => {
    const text = JSON.stringify({ result: { content: [{ type: 'text', text: big, meta: { id: 99, method: 'nested' } }] }, jsonrpc: '2.0', id: 3 });
    expect(classifyTruncated(...cut(text))).toEqual({ ...EMPTY, kind: 'response', id: 3 });
  });

  it('keeps a string id from the tail', () => {
    const text = `{"result":{"text":"${big}"},"jsonrpc":"2.0","id":"abc\\"d"}`;
    expect(classifyTruncated(...cut(text))).toMatchObject({ kind: 'response', id: 'abc"d' });
  });

  it('finds the id near the start', () => {
    const text = `{"jsonrpc": "2.0", "id": 12, "result": {"content": [{"type": "text", "text": "${big}"}], "id": 77}}`;
    expect(classifyTruncated(...cut(text))).toMatchObject({ kind: 'response', id: 12 });
  });

  it('ignores ids and methods nested inside the result', () => {
    const text = `{"result":{"method":"GET","id":5,"text":"${big}","id":6},"jsonrpc":"2.0"}`;
    expect(classifyTruncated(...cut(text))).toEqual({ ...EMPTY, kind: 'response' });
  });

  it('detects a tool failure in the head or the tail', () => {
    const tailFlag = `{"result":{"content":[{"type":"text","text":"${big}"}],"isError":true},"jsonrpc":"2.0","id":4}`;
    expect(classifyTruncated(...cut(tailFlag))).toMatchObject({ kind: 'response', id: 4, isError: true });
    const headFlag = `{"jsonrpc":"2.0","id":4,"result":{"isError": true,"content":[{"type":"text","text":"${big}"}]}}`;
    expect(classifyTruncated(...cut(headFlag))).toMatchObject({ kind: 'response', id: 4, isError: true });
  });

  it('classifies a large request (method in the head, id at the end) with its progress token', () => {
    const text = JSON.stringify({ method: 'tools/call', params: { _meta: { progressToken: 'tok' }, name: 'upload', arguments: { blob: big } }, jsonrpc: '2.0', id: 8 });
    expect(classifyTruncated(...cut(text))).toEqual({ ...EMPTY, kind: 'request', method: 'tools/call', id: 8, progressToken: 'tok' });
  });

  it('classifies a large notification and a large error', () => {
    const note = `{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"${big}"}}`;
    expect(classifyTruncated(...cut(note))).toEqual({ ...EMPTY, kind: 'notification', method: 'notifications/message' });
    const err = `{"jsonrpc":"2.0","id":"e1","error":{"code":-32603,"message":"x","data":"${big}"}}`;
    expect(classifyTruncated(...cut(err))).toEqual({ ...EMPTY, kind: 'error', id: 'e1', isError: true });
    const errIdLast = `{"error":{"code":-32603,"message":"x","data":"${big}"},"jsonrpc":"2.0","id":null}`;
    expect(classifyTruncated(...cut(errIdLast))).toEqual({ ...EMPTY, kind: 'error', isError: true });
  });

  it('does not trust a number cut by the head boundary', () => {
    const text = `{"id":12345,"result":{"text":"${big}"}}`;
    expect(classifyTruncated(text.slice(0, 9), text.slice(-100))).toEqual({ ...EMPTY, kind: 'invalid' });
  });

  it("returns 'invalid' when nothing fits", () => {
    expect(classifyTruncated('x'.repeat(100), 'y'.repeat(100))).toEqual({ ...EMPTY, kind: 'invalid' });
    expect(classifyTruncated(`[{"jsonrpc":"2.0","id":1,"result":{"t":"`, `"}}]`)).toEqual({ ...EMPTY, kind: 'invalid' });
    expect(classifyTruncated('', '')).toEqual({ ...EMPTY, kind: 'invalid' });
  });
});
