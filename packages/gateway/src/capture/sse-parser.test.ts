import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';
import type { SseEvent } from './sse-parser.js';

const enc = new TextEncoder();

function parse(input: string | Uint8Array, opts: { maxDataBytes?: number; chunk?: number; end?: boolean } = {}): SseEvent[] {
  const events: SseEvent[] = [];
  const p = new SseParser({ onEvent: (e) => events.push(e), maxDataBytes: opts.maxDataBytes });
  const bytes = typeof input === 'string' ? enc.encode(input) : input;
  const step = opts.chunk ?? bytes.length;
  for (let i = 0; i < bytes.length; i += Math.max(1, step)) p.push(bytes.subarray(i, i + Math.max(1, step)));
  if (opts.end !== false) p.end();
  return events;
}

function ev(partial: Partial<SseEvent>): SseEvent {
  const data = partial.data ?? null;
  return {
    event: 'message',
    data,
    id: null,
    retry: null,
    dataBytes: data === null ? 0 : enc.encode(data).length,
    truncated: false,
    tail: null,
    ...partial,
  };
}

describe('SseParser: fields and dispatch', () => {
  it('parses a typical SDK event', () => {
    expect(parse('event: message\nid: 7\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n')).toEqual([
      ev({ data: '{"jsonrpc":"2.0","id":1,"result":{}}', id: '7' }),
    ]);
  });

  it("defaults the type to 'message' and keeps custom types", () => {
    expect(parse('data: a\n\nevent: ping\ndata: b\n\nevent:\ndata: c\n\n').map((e) => [e.event, e.data])).toEqual([
      ['message', 'a'],
      ['ping', 'b'],
      ['message', 'c'],
    ]);
  });

  it('joins several data lines with \\n', () => {
    expect(parse('data: one\ndata: two\ndata:\ndata: three\n\n')[0]?.data).toBe('one\ntwo\n\nthree');
  });

  it('strips exactly one space after the colon and nothing else', () => {
    const [e] = parse('event:  spaced \ndata:  two spaces\t\nid:\tx \n\n');
    expect(e).toEqual(ev({ event: ' spaced ', data: ' two spaces\t', id: '\tx ' }));
    expect(parse('data:no-space\n\n')[0]?.data).toBe('no-space');
  });

  it('treats a line without a colon as a field name with an empty value', () => {
    expect(parse('data\n\n')).toEqual([ev({ data: '' })]);
    expect(parse('data\ndata\n\n')[0]?.data).toBe('\n');
    expect(parse('id\ndata: x\n\n')[0]?.id).toBe('');
    expect(parse('event\ndata: x\n\n')[0]?.event).toBe('message');
  });

  it('ignores comments, and a comment-only block dispatches nothing', () => {
    expect(parse(': keep-alive\n\n:\n\n')).toEqual([]);
    expect(parse(': hi\ndata: x\n: there\n\n')).toEqual([ev({ data: 'x' })]);
  });

  it('ignores unknown fields, including names that merely start like known ones', () => {
    expect(parse('foo: bar\n\n')).toEqual([]);
    expect(parse('datum: x\ndatas: y\nevents: z\nIDs: 1\ndata: ok\n\n')).toEqual([ev({ data: 'ok' })]);
    expect(parse('Data: x\n\n')).toEqual([]);
  });

  it('reports a priming event as empty data with its id', () => {
    expect(parse('id: 0_abc\ndata:\n\n')).toEqual([ev({ data: '', id: '0_abc' })]);
    expect(parse('id: 1\ndata: \n\n')).toEqual([ev({ data: '', id: '1' })]);
  });

  it('dispatches id-only and retry-only blocks with data null', () => {
    expect(parse('id: 42\n\n')).toEqual([ev({ id: '42' })]);
    expect(parse('retry: 3000\n\n')).toEqual([ev({ retry: 3000 })]);
    // Our choice: an event: line also makes the block count, so nothing the server sent is hidden.
    expect(parse('event: ping\n\n')).toEqual([ev({ event: 'ping' })]);
  });

  it('reports the id of this event only, not a remembered cursor', () => {
    expect(parse('id: 1\ndata: a\n\ndata: b\n\n').map((e) => e.id)).toEqual(['1', null]);
  });

  it('ignores an id containing NULL', () => {
    expect(parse('id: a\0b\ndata: x\n\n')).toEqual([ev({ data: 'x' })]);
    expect(parse('id: good\nid: b\0ad\ndata: x\n\n')[0]?.id).toBe('good');
    expect(parse('id: a\0b\n\n')).toEqual([]);
  });

  it('accepts retry only when all ASCII digits', () => {
    const retries = ['retry: 10', 'retry: 1.5', 'retry: -1', 'retry: 10ms', 'retry:', 'retry:  5', 'retry: ٣', 'retry: 007'].map(
      (l) => parse(`${l}\ndata: x\n\n`)[0]?.retry,
    );
    expect(retries).toEqual([10, null, null, null, null, null, null, 7]);
  });

  it('discards an unterminated final block at end()', () => {
    expect(parse('data: a\n\ndata: b\n')).toEqual([ev({ data: 'a' })]);
    expect(parse('data: a\n\ndata: b')).toEqual([ev({ data: 'a' })]);
  });

  it('flushes the decoder at end(), and ignores input after it', () => {
    const events: SseEvent[] = [];
    const p = new SseParser({ onEvent: (e) => events.push(e) });
    p.push(enc.encode('data: x\n\ndata: \xe2'));
    p.push(new Uint8Array([0xe2, 0x82]));
    p.end();
    p.push(enc.encode('data: late\n\n'));
    p.end();
    expect(events).toEqual([ev({ data: 'x' })]);
  });

  it('keeps parsing after a listener throws', () => {
    const seen: string[] = [];
    const p = new SseParser({
      onEvent: (e) => {
        seen.push(e.data ?? '');
        if (e.data === 'boom') throw new Error('listener');
      },
    });
    expect(() => p.push(enc.encode('data: boom\n\n'))).toThrow('listener');
    p.push(enc.encode('data: after\n\n'));
    expect(seen).toEqual(['boom', 'after']);
  });

  it('rejects a bad maxDataBytes', () => {
    expect(() => new SseParser({ onEvent: () => {}, maxDataBytes: -1 })).toThrow(RangeError);
  });
});

describe('SseParser: line endings', () => {
  const expected = [ev({ data: 'a\nb', id: '1' }), ev({ event: 'x', data: 'c' })];

  it.each([
    ['LF', 'id: 1\ndata: a\ndata: b\n\nevent: x\ndata: c\n\n'],
    ['CRLF', 'id: 1\r\ndata: a\r\ndata: b\r\n\r\nevent: x\r\ndata: c\r\n\r\n'],
    ['CR', 'id: 1\rdata: a\rdata: b\r\revent: x\rdata: c\r\r'],
    ['mixed', 'id: 1\rdata: a\r\ndata: b\n\r\nevent: x\ndata: c\r\r'],
  ])('%s', (_name, text) => {
    expect(parse(text)).toEqual(expected);
    expect(parse(text, { chunk: 1 })).toEqual(expected);
    expect(parse(text, { chunk: 3 })).toEqual(expected);
  });

  it('treats a CR ending one chunk and an LF starting the next as one break', () => {
    const events: SseEvent[] = [];
    const p = new SseParser({ onEvent: (e) => events.push(e) });
    p.push(enc.encode('data: a\r'));
    p.push(enc.encode('\ndata: b\r'));
    p.push(new Uint8Array(0));
    p.push(enc.encode('\n\r'));
    p.push(enc.encode('\n'));
    expect(events).toEqual([ev({ data: 'a\nb' })]);
  });

  it('dispatches on a CR-only blank line without waiting for more input', () => {
    expect(parse('data: now\r\r', { end: false })).toEqual([ev({ data: 'now' })]);
  });

  it('handles a CR-only stream with many events', () => {
    const text = Array.from({ length: 100 }, (_, i) => `id: ${i}\rdata: {"n":${i}}\r\r`).join('');
    const events = parse(text, { chunk: 7 });
    expect(events).toHaveLength(100);
    expect(events[99]).toEqual(ev({ id: '99', data: '{"n":99}' }));
  });

  it('never keeps a CR inside a value: a CR always ends the line', () => {
    expect(parse('data: a\rb\r\r')).toEqual([ev({ data: 'a' })]);
    expect(parse('data: a\rdata: b\r\r')).toEqual([ev({ data: 'a\nb' })]);
  });
});

describe('SseParser: encoding and chunking', () => {
  it('strips a leading BOM once, even split across chunks', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('data: x\n\n')]);
    expect(parse(bytes)).toEqual([ev({ data: 'x' })]);
    expect(parse(bytes, { chunk: 1 })).toEqual([ev({ data: 'x' })]);
    // A second BOM is part of the field name, making it unknown.
    const twice = new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...enc.encode('data: x\n\n')]);
    expect(parse(twice)).toEqual([]);
  });

  it('keeps a BOM that is not at stream start', () => {
    expect(parse('data: \ufeffx\n\n')[0]?.data).toBe('\ufeffx');
  });

  it('decodes a multi-byte emoji split across chunks', () => {
    const bytes = enc.encode('data: hi 😀 there\n\n');
    const at = bytes.indexOf(0xf0);
    for (const cut of [at + 1, at + 2, at + 3]) {
      const events: SseEvent[] = [];
      const p = new SseParser({ onEvent: (e) => events.push(e) });
      p.push(bytes.subarray(0, cut));
      p.push(bytes.subarray(cut));
      expect(events).toEqual([ev({ data: 'hi 😀 there' })]);
      expect(events[0]?.dataBytes).toBe(13);
    }
  });

  it('turns malformed UTF-8 into U+FFFD exactly as the WHATWG decoder does over the whole stream, however it is cut', () => {
    // Truncated, overlong, surrogate, out-of-range and stray bytes, next to valid ones.
    const bad = [0xe2, 0x82, 0x41, 0xe0, 0x80, 0xaf, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xc3, 0xa9, 0xff, 0xf0, 0x9f, 0x98, 0xc0, 0xaf, 0xe2, 0x82, 0xac];
    const bytes = Uint8Array.from([...enc.encode('data: '), ...bad, ...enc.encode('\n\n')]);
    const expected = new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(bad));
    expect(expected).toContain('\ufffd');
    for (let cut = 1; cut < bytes.length; cut++) {
      const events: SseEvent[] = [];
      const p = new SseParser({ onEvent: (e) => events.push(e) });
      p.push(bytes.subarray(0, cut));
      p.push(bytes.subarray(cut));
      expect(events.map((e) => e.data)).toEqual([expected]);
    }
    expect(parse(bytes, { chunk: 1 }).map((e) => e.data)).toEqual([expected]);
  });

  it('gives identical events for byte-by-byte and whole-buffer feeding', () => {
    const text =
      '\ufeff: hello\r\nevent: message\r\nid: 1\r\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}\r\n\r\n' +
      'id: 2\rdata: ünïcödé 日本語 😀\rdata: line2\r\r' +
      'retry: 500\n\nid: 3\ndata:\n\n' +
      'event: custom\ndata\ndata:x\n\n:comment only\n\n' +
      'data: {"jsonrpc":"2.0","id":"a","result":{"content":[{"type":"text","text":"ok"}]}}\n\n' +
      'data: unterminated';
    const whole = parse(text);
    expect(whole).toHaveLength(6);
    expect(parse(text, { chunk: 1 })).toEqual(whole);
    for (const size of [2, 3, 5, 13, 64]) expect(parse(text, { chunk: size })).toEqual(whole);
  });
});

describe('SseParser: bounded memory', () => {
  it('truncates a 20 MB single event at maxDataBytes and keeps a tail with the real ending', () => {
    const MiB = 1024 * 1024;
    const filler = 'é'.repeat(10 * MiB); // 2 bytes each: crosses 1 MiB mid code point
    const payload = `{"result":{"text":"${filler}"},"jsonrpc":"2.0","id":3}`;
    const events: SseEvent[] = [];
    const p = new SseParser({ onEvent: (e) => events.push(e), maxDataBytes: MiB });
    const bytes = enc.encode(`id: big\ndata: ${payload}\n\n`);
    for (let i = 0; i < bytes.length; i += 65_537) p.push(bytes.subarray(i, i + 65_537));
    p.end();
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e?.truncated).toBe(true);
    expect(e?.id).toBe('big');
    expect(e?.dataBytes).toBe(enc.encode(payload).length);
    expect(e?.dataBytes).toBeGreaterThan(20 * MiB);
    // 19 ASCII bytes then 2-byte characters: the cut lands mid code point and backs off one byte.
    expect(enc.encode(e?.data ?? '').length).toBe(MiB - 1);
    expect(payload.startsWith(e?.data ?? 'x')).toBe(true);
    expect(e?.tail?.endsWith('"jsonrpc":"2.0","id":3}')).toBe(true);
    expect(payload.endsWith(e?.tail ?? 'x')).toBe(true);
    expect(enc.encode(e?.tail ?? '').length).toBeLessThanOrEqual(64 * 1024);
    expect(enc.encode(e?.tail ?? '').length).toBeGreaterThan(64 * 1024 - 4);
  });

  it('covers data just over the cap with a tail that overlaps the head', () => {
    const data = 'a'.repeat(100) + 'b'.repeat(10) + 'END';
    const [e] = parse(`data: ${data}\n\n`, { maxDataBytes: 100, chunk: 7 });
    expect(e).toEqual(ev({ data: 'a'.repeat(100), dataBytes: 113, truncated: true, tail: data }));
  });

  it('counts the joining newlines of multi-line data when truncating', () => {
    const [e] = parse('data: abc\ndata: def\ndata: ghi\n\n', { maxDataBytes: 5 });
    expect(e).toEqual(ev({ data: 'abc\nd', dataBytes: 11, truncated: true, tail: 'abc\ndef\nghi' }));
  });

  it('does not truncate data of exactly maxDataBytes, and allows 0', () => {
    expect(parse('data: 12345\n\n', { maxDataBytes: 5 })).toEqual([ev({ data: '12345' })]);
    expect(parse('data: 1\n\n', { maxDataBytes: 0 })).toEqual([ev({ data: '', dataBytes: 1, truncated: true, tail: '1' })]);
  });

  it('caps a huge non-data line at 64 KiB and still parses what follows', () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const events = parse(`event: ${huge}\nid: ${huge}\ndata: ok\n\n${'y'.repeat(1_000_000)}\ndata: next\n\n`, { chunk: 100_000 });
    expect(events).toHaveLength(2);
    expect(events[0]?.event.length).toBe(64 * 1024);
    expect(events[0]?.id?.length).toBe(64 * 1024);
    expect(events[0]?.data).toBe('ok');
    expect(events[1]).toEqual(ev({ data: 'next' }));
  });

  it('parses 50 MB of ordinary events quickly', () => {
    const one = enc.encode(
      'event: message\nid: 1234\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":1,"total":10,"message":"working on it, a line of realistic length"}}\n\n',
    );
    const chunk = new Uint8Array(64 * 1024 - (64 * 1024) % one.length);
    for (let i = 0; i < chunk.length; i += one.length) chunk.set(one, i);
    const perChunk = chunk.length / one.length;
    const chunks = Math.ceil((50 * 1024 * 1024) / chunk.length);
    let count = 0;
    const p = new SseParser({ onEvent: () => count++ });
    const t0 = performance.now();
    for (let i = 0; i < chunks; i++) p.push(chunk);
    p.end();
    const ms = performance.now() - t0;
    expect(count).toBe(perChunk * chunks);
    expect(ms).toBeLessThan(1000);
  });
});
