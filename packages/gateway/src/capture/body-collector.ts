const TAIL_BYTES = 64 * 1024;

export interface CollectedBody {
  /** The whole body when it fit, else its first `maxBytes`. */
  text: string;
  /** Bytes that crossed, all of them. */
  size: number;
  truncated: boolean;
  /** When truncated: the last bytes, where the SDK puts a response's id. */
  tail: string | null;
}

/**
 * Keeps a copy of a body for recording in bounded memory: the head up to
 * `maxBytes` and a rolling tail. The forwarded bytes never pass through here.
 */
export class BodyCollector {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    const room = this.maxBytes - this.headBytes;
    if (room > 0) {
      const part = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
      // Views, not copies: the stream hands over each chunk and never reuses it.
      this.head.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
      this.headBytes += part.byteLength;
      if (part.byteLength === chunk.byteLength) return;
      chunk = chunk.subarray(room);
    }
    this.tail.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.tailBytes += chunk.byteLength;
    while (this.tail.length > 1 && this.tailBytes - (this.tail[0]?.byteLength ?? 0) >= TAIL_BYTES) {
      this.tailBytes -= this.tail.shift()?.byteLength ?? 0;
    }
  }

  finish(): CollectedBody {
    // A body that came in one chunk (every buffered one) is decoded where it lies, not copied first.
    const head = this.head.length === 1 ? (this.head[0] as Buffer) : Buffer.concat(this.head, this.headBytes);
    if (this.size <= this.maxBytes) return { text: head.toString('utf8'), size: this.size, truncated: false, tail: null };
    const tail = Buffer.concat(this.tail, this.tailBytes);
    return {
      text: head.toString('utf8'),
      size: this.size,
      truncated: true,
      tail: tail.subarray(Math.max(0, tail.byteLength - TAIL_BYTES)).toString('utf8'),
    };
  }
}
