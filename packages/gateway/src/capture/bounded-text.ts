// Bounded accumulation of one SSE event's data. A single event can be far
// larger than we are willing to hold (a 100 MB tool result), so we keep the
// first `maxBytes` and a rolling 64 KiB tail while still counting every byte.

import { Buffer } from 'node:buffer';

export const TAIL_BYTES = 64 * 1024;

/** Many tiny pieces (byte-by-byte input) are merged in groups so the parts array stays short. */
const SMALL_PIECE = 256;
const SMALL_GROUP = 1024;

/** Longest prefix of `s` whose UTF-8 encoding fits in `maxBytes`, never splitting a code point. */
export function utf8Prefix(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  // Every code unit is at least one byte, so the answer lies in the first
  // maxBytes units; one more unit keeps a surrogate pair at the edge intact.
  const t = s.length > maxBytes + 1 ? s.slice(0, maxBytes + 1) : s;
  const { read } = new TextEncoder().encodeInto(t, new Uint8Array(maxBytes));
  return t.slice(0, read);
}

/** Longest suffix of `s` whose UTF-8 encoding fits in `maxBytes`, never splitting a code point. */
export function utf8Suffix(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  const t = s.length > maxBytes ? s.slice(s.length - maxBytes) : s;
  // Counting is cheap and needs no copy; the usual (ASCII) tail fits already.
  if (Buffer.byteLength(t, 'utf8') <= maxBytes) return t;
  const buf = Buffer.from(t, 'utf8');
  // Start on a lead byte; a surrogate half left by the slice above encodes to
  // three bytes and is always dropped here because buf then exceeds maxBytes.
  let start = buf.length - maxBytes;
  while (start < buf.length && ((buf[start] ?? 0) & 0xc0) === 0x80) start++;
  return buf.toString('utf8', start);
}

/** Append-only string builder that avoids O(n^2) concatenation and huge arrays of tiny strings. */
class Pieces {
  private parts: string[] = [];
  private small: string[] = [];

  push(s: string): void {
    if (s.length >= SMALL_PIECE) {
      this.flushSmall();
      this.parts.push(s);
      return;
    }
    this.small.push(s);
    if (this.small.length >= SMALL_GROUP) this.flushSmall();
  }

  toString(): string {
    // The usual event is one data line: no join, no copy.
    if (this.parts.length === 0 && this.small.length <= 1) return this.small[0] ?? '';
    this.flushSmall();
    if (this.parts.length === 1) return this.parts[0] ?? '';
    const joined = this.parts.join('');
    this.parts = [joined];
    return joined;
  }

  private flushSmall(): void {
    if (this.small.length === 0) return;
    this.parts.push(this.small.join(''));
    this.small = [];
  }
}

export interface BoundedTextResult {
  text: string;
  bytes: number;
  truncated: boolean;
  tail: string | null;
}

export class BoundedText {
  private head = new Pieces();
  private headBytes = 0;
  private tail: string[] = [];
  private tailBytes = 0;
  private bytes = 0;
  private truncated = false;

  constructor(private readonly maxBytes: number) {}

  append(s: string): void {
    if (s.length === 0) return;
    const n = Buffer.byteLength(s, 'utf8');
    this.bytes += n;
    if (this.truncated) {
      this.appendTail(s, n);
      return;
    }
    if (this.headBytes + n <= this.maxBytes) {
      this.head.push(s);
      this.headBytes += n;
      return;
    }
    // First overflow: the tail must cover the end of what the head already
    // holds, since the full data may be only slightly over the cap.
    this.truncated = true;
    const held = this.head.toString();
    const seed = utf8Suffix(held, TAIL_BYTES);
    this.tail = [seed];
    this.tailBytes = Buffer.byteLength(seed, 'utf8');
    const cut = utf8Prefix(s, this.maxBytes - this.headBytes);
    this.head.push(cut);
    this.headBytes += Buffer.byteLength(cut, 'utf8');
    this.appendTail(s, n);
  }

  finish(): BoundedTextResult {
    return {
      text: this.head.toString(),
      bytes: this.bytes,
      truncated: this.truncated,
      tail: this.truncated ? utf8Suffix(this.tail.join(''), TAIL_BYTES) : null,
    };
  }

  private appendTail(s: string, n: number): void {
    if (n >= TAIL_BYTES) {
      const t = utf8Suffix(s, TAIL_BYTES);
      this.tail = [t];
      this.tailBytes = Buffer.byteLength(t, 'utf8');
      return;
    }
    this.tail.push(s);
    this.tailBytes += n;
    // Compacting at twice the window keeps the work amortized O(1) per byte.
    if (this.tailBytes > 2 * TAIL_BYTES) {
      const t = utf8Suffix(this.tail.join(''), TAIL_BYTES);
      this.tail = [t];
      this.tailBytes = Buffer.byteLength(t, 'utf8');
    }
  }
}
