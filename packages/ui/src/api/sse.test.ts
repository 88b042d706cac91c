import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse.js';

function parse(...chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('SseParser', () => {
  it('parses typed events with ids, joins data lines and ignores comments', () => {
    const events = parse('retry: 1000\n\n: keep-alive\n\nevent: message\nid: 7\ndata: {"a":\ndata: 1}\n\n');
    expect(events).toEqual([
      { event: 'message', data: null, id: null, retry: 1000 },
      { event: 'message', data: '{"a":\n1}', id: '7', retry: null },
    ]);
  });

  it('reports a bare id block so the resume position moves', () => {
    expect(parse('id: 42\n\n')).toEqual([{ event: 'message', data: null, id: '42', retry: null }]);
  });

  it('handles CRLF and CR line ends, also split across chunks', () => {
    expect(parse('event: clear\r', '\ndata: x\r\r')).toEqual([{ event: 'clear', data: 'x', id: null, retry: null }]);
    expect(parse('data: a\rdata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb', id: null, retry: null }]);
  });

  it('keeps a partial event until its blank line arrives, and multi-byte characters split across chunks', () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((e) => events.push(e));
    const bytes = new TextEncoder().encode('data: héllo\n\n');
    parser.push(bytes.slice(0, 8));
    expect(events).toEqual([]);
    parser.push(bytes.slice(8));
    expect(events[0]?.data).toBe('héllo');
  });

  it('keeps the last id for later events that do not set one', () => {
    const events = parse('id: 3\ndata: a\n\ndata: b\n\n');
    expect(events.map((e) => e.id)).toEqual(['3', '3']);
  });
});
