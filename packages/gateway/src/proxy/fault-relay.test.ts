import { describe, expect, it } from 'vitest';
import { SseBlocks } from './fault-relay.js';

const split = (chunks: string[]): string[] => {
  const blocks = new SseBlocks();
  const out = chunks.flatMap((c) => blocks.push(Buffer.from(c)).map((b) => b.toString()));
  const rest = blocks.rest().toString();
  return rest ? [...out, `rest:${rest}`] : out;
};

describe('SseBlocks', () => {
  it('cuts an event stream into blocks byte for byte, whatever the line breaks and chunking', () => {
    const stream = 'id: 1\nevent: message\ndata: {"a":1}\n\n: comment\n\ndata: x\r\n\r\ndata: y\r\rdata: z\n';
    const expected = ['id: 1\nevent: message\ndata: {"a":1}\n\n', ': comment\n\n', 'data: x\r\n\r\n', 'data: y\r\r', 'rest:data: z\n'];
    expect(split([stream])).toEqual(expected);
    // One byte at a time: the same blocks, except that a CR ending a block leaves its LF to the next.
    const bytes = split(stream.split(''));
    expect(bytes.join('').replace(/rest:/, '')).toBe(stream);
    expect(bytes[0]).toBe(expected[0]);
    expect(split(['data: a\r\n\r', '\ndata: b\n\n'])).toEqual(['data: a\r\n\r', '\ndata: b\n\n']);
  });
});
