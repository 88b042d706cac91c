// Incremental Server-Sent Events parser following WHATWG HTML "interpreting an
// event stream". It reads a tee of the forwarded bytes, so it must never need
// the whole stream: memory is bounded per event and per line.

import { StringDecoder } from 'node:string_decoder';
import { BoundedText } from './bounded-text.js';

export interface SseEvent {
  /** 'message' when the block had no (or an empty) event: field. */
  event: string;
  /** null when the block had no data: line; '' for a priming event (`data:` with empty value). */
  data: string | null;
  /** The id: field of this event (not the stream's last-event-id cursor), null if it had none. */
  id: string | null;
  /** The retry: value of this block if it had a valid one. */
  retry: number | null;
  /** UTF-8 byte length of the full data, even when truncated. */
  dataBytes: number;
  /** Data exceeded maxDataBytes; `data` then holds only the first maxDataBytes, cut on a code point boundary. */
  truncated: boolean;
  /** When truncated: the last up-to-64 KiB of data, so the caller can still find a JSON-RPC id at the end. */
  tail: string | null;
}

export interface SseParserOptions {
  onEvent(e: SseEvent): void;
  /** Default 16 MiB. */
  maxDataBytes?: number;
}

export const DEFAULT_MAX_DATA_BYTES = 16 * 1024 * 1024;
/** Cap on a buffered non-data field value (event/id/retry), in UTF-16 code units. */
export const MAX_FIELD_VALUE = 64 * 1024;

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
/** Longest field name we act on ("event", "retry"); longer names are unknown fields. */
const MAX_FIELD_NAME = 5;

type Phase = 'name' | 'afterColon' | 'value';
type Field = 'data' | 'event' | 'id' | 'retry' | 'ignore';

function fieldOf(name: string): Field {
  return name === 'data' || name === 'event' || name === 'id' || name === 'retry' ? name : 'ignore';
}

export class SseParser {
  private readonly onEvent: (e: SseEvent) => void;
  private readonly maxDataBytes: number;
  // StringDecoder, not TextDecoder: Node's streaming TextDecoder goes through ICU
  // and took ~70% of parsing a 50 MB event; the output is the same (a BOM is
  // kept, as with ignoreBOM, and stripped below; bad bytes become U+FFFD the same way).
  private readonly decoder = new StringDecoder('utf8');
  private bomChecked = false;
  private ended = false;
  /** A CR ended the previous line; an LF right after it belongs to the same break. */
  private skipLf = false;

  // Current line.
  private lineEmpty = true;
  private phase: Phase = 'name';
  private name = '';
  private field: Field = 'ignore';
  private value: string[] = [];
  private valueLen = 0;

  // Current block.
  private dispatchable = false;
  private eventType = '';
  private data: BoundedText | null = null;
  private id: string | null = null;
  private retry: number | null = null;

  constructor(opts: SseParserOptions) {
    const max = opts.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES;
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`maxDataBytes must be a non-negative integer, got ${max}`);
    this.onEvent = opts.onEvent;
    this.maxDataBytes = max;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    this.feed(this.decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  }

  /** End of stream: an unterminated final block is discarded, as the spec says. */
  end(): void {
    if (this.ended) return;
    this.feed(this.decoder.end());
    this.ended = true;
    this.resetLine();
    this.resetBlock();
  }

  private feed(text: string): void {
    let s = text;
    if (!this.bomChecked && s.length > 0) {
      this.bomChecked = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    const len = s.length;
    let pos = 0;
    // Cached positions of the next CR / LF; -1 means none left in this chunk.
    let nextLf = -2;
    let nextCr = -2;
    while (pos < len) {
      if (this.skipLf) {
        this.skipLf = false;
        if (s.charCodeAt(pos) === LF) {
          pos++;
          continue;
        }
      }
      if (nextLf !== -1 && nextLf < pos) nextLf = s.indexOf('\n', pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = s.indexOf('\r', pos);
      let eol: number;
      if (nextLf === -1) eol = nextCr;
      else if (nextCr === -1) eol = nextLf;
      else eol = Math.min(nextLf, nextCr);
      if (eol === -1) {
        this.lineText(s, pos, len);
        return;
      }
      if (eol > pos) this.lineText(s, pos, eol);
      this.skipLf = s.charCodeAt(eol) === CR;
      pos = eol + 1;
      this.endLine();
    }
  }

  /** Part of the current line, s[start, end), containing no line break. */
  private lineText(s: string, start: number, end: number): void {
    this.lineEmpty = false;
    let i = start;
    if (this.phase === 'name' && this.name === '') i = this.knownPrefix(s, i, end);
    // Only the first few characters decide the field, so no search beyond them.
    while (this.phase === 'name' && i < end) {
      const c = s.charCodeAt(i++);
      if (c === COLON) {
        this.field = fieldOf(this.name);
        this.phase = 'afterColon';
        if (this.field === 'data') this.beginDataLine();
      } else if (this.name.length >= MAX_FIELD_NAME) {
        this.field = 'ignore';
        this.phase = 'value';
      } else {
        this.name += String.fromCharCode(c);
      }
    }
    if (this.phase === 'afterColon' && i < end) {
      if (s.charCodeAt(i) === SPACE) i++;
      this.phase = 'value';
    }
    if (i >= end || this.phase !== 'value') return;
    if (this.field === 'data') {
      this.data?.append(s.slice(i, end));
    } else if (this.field !== 'ignore') {
      const room = MAX_FIELD_VALUE - this.valueLen;
      if (room <= 0) return;
      const piece = end - i > room ? s.slice(i, i + room) : s.slice(i, end);
      this.value.push(piece);
      this.valueLen += piece.length;
    }
  }

  /** Fast path for a whole `name:` at line start; returns where the value begins, or `i` if none matched. */
  private knownPrefix(s: string, i: number, end: number): number {
    let field: Field;
    let len: number;
    switch (s.charCodeAt(i)) {
      case 100: // d
        field = 'data';
        len = 5;
        break;
      case 101: // e
        field = 'event';
        len = 6;
        break;
      case 105: // i
        field = 'id';
        len = 3;
        break;
      case 114: // r
        field = 'retry';
        len = 6;
        break;
      default:
        return i;
    }
    if (i + len > end || !s.startsWith(field, i) || s.charCodeAt(i + len - 1) !== COLON) return i;
    this.name = field;
    this.field = field;
    this.phase = 'afterColon';
    if (field === 'data') this.beginDataLine();
    return i + len;
  }

  private endLine(): void {
    if (this.lineEmpty) {
      this.dispatch();
      return;
    }
    if (this.phase === 'name') {
      // No colon: the whole line is the field name, with an empty value.
      this.field = fieldOf(this.name);
      if (this.field === 'data') this.beginDataLine();
    }
    const value = this.value.length === 1 ? (this.value[0] ?? '') : this.value.join('');
    switch (this.field) {
      case 'event':
        this.eventType = value;
        this.dispatchable = true;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.id = value;
          this.dispatchable = true;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          const n = Number(value);
          if (Number.isSafeInteger(n)) {
            this.retry = n;
            this.dispatchable = true;
          }
        }
        break;
      default:
        break;
    }
    this.resetLine();
  }

  private beginDataLine(): void {
    this.dispatchable = true;
    if (this.data === null) this.data = new BoundedText(this.maxDataBytes);
    // Joining with '\n' up front is the spec's "append LF, strip the last one".
    else this.data.append('\n');
  }

  private dispatch(): void {
    if (!this.dispatchable) {
      this.resetBlock();
      return;
    }
    const d = this.data?.finish() ?? null;
    const e: SseEvent = {
      event: this.eventType === '' ? 'message' : this.eventType,
      data: d ? d.text : null,
      id: this.id,
      retry: this.retry,
      dataBytes: d ? d.bytes : 0,
      truncated: d ? d.truncated : false,
      tail: d ? d.tail : null,
    };
    // Reset before the callback so a throwing listener leaves a usable parser.
    this.resetBlock();
    this.onEvent(e);
  }

  private resetLine(): void {
    this.lineEmpty = true;
    this.phase = 'name';
    this.name = '';
    this.field = 'ignore';
    this.value = [];
    this.valueLen = 0;
  }

  private resetBlock(): void {
    this.dispatchable = false;
    this.eventType = '';
    this.data = null;
    this.id = null;
    this.retry = null;
  }
}
