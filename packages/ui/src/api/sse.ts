// Incremental parser for text/event-stream (the WHATWG rules): lines end in
// CRLF, LF or CR; `data` lines join with LF; an event is dispatched at a
// blank line. A block with an `id` but no data (the gateway's bare `id: N`)
// still reports its id, so the reader's resume position moves.

export interface SseEvent {
  /** `message` unless the block named another type. */
  event: string;
  /** null when the block had no data line (only an id, a retry or comments). */
  data: string | null;
  /** The last event id after this block (the stream's resume position), or null if none was ever set. */
  id: string | null;
  /** The block's `retry` in ms, when it set one. */
  retry: number | null;
}

export class SseParser {
  private buffer = '';
  private pendingCr = false;
  private event = '';
  private data: string[] = [];
  private sawField = false;
  private retry: number | null = null;
  private lastId: string | null = null;
  private readonly decoder = new TextDecoder();

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(chunk: Uint8Array | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.pendingCr) {
      // A CR ended the previous chunk: an LF here belongs to it.
      if (text.startsWith('\n')) text = text.slice(1);
      this.pendingCr = false;
    }
    this.buffer += text;
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      if (cr === -1 && lf === -1) break;
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 === this.buffer.length) {
          next = cr + 1;
          this.pendingCr = true;
        } else next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      this.line(this.buffer.slice(start, end));
      start = next;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        this.sawField = true;
        break;
      case 'data':
        this.data.push(value);
        this.sawField = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        this.sawField = true;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        this.sawField = true;
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    if (this.sawField) {
      this.onEvent({ event: this.event || 'message', data: this.data.length ? this.data.join('\n') : null, id: this.lastId, retry: this.retry });
    }
    this.event = '';
    this.data = [];
    this.sawField = false;
    this.retry = null;
  }
}
