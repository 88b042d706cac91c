/**
 * Rewrites the `endpoint` event at the start of a legacy HTTP+SSE stream so
 * the client posts to the gateway instead of the upstream. Everything before
 * it passes unchanged, and once it has been rewritten the rest of the stream
 * is passed byte for byte without being decoded.
 */
export class EndpointRewriter {
  private done = false;
  private pending = '';
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();

  /** `rewrite` gets the upstream's endpoint (as sent) and returns the one the client should see. */
  constructor(private readonly rewrite: (endpoint: string) => string) {}

  push(chunk: Uint8Array): Uint8Array {
    if (this.done) return chunk;
    this.pending += this.decoder.decode(chunk, { stream: true });
    let out = '';
    for (;;) {
      const end = /\r\n\r\n|\n\n|\r\r/.exec(this.pending);
      if (!end) break;
      const block = this.pending.slice(0, end.index);
      const separator = end[0];
      this.pending = this.pending.slice(end.index + separator.length);
      const rewritten = this.rewriteBlock(block);
      out += rewritten + separator;
      if (this.done) {
        out += this.pending;
        this.pending = '';
        break;
      }
    }
    return this.encoder.encode(out);
  }

  /** Whatever is still held when the stream ends. */
  flush(): Uint8Array {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    return this.encoder.encode(rest);
  }

  private rewriteBlock(block: string): string {
    const lines = block.split(/\r\n|\n|\r/);
    const isEndpoint = lines.some((line) => /^event: ?endpoint$/.test(line));
    if (!isEndpoint) return block;
    this.done = true;
    const eol = /\r\n/.test(block) ? '\r\n' : block.includes('\r') && !block.includes('\n') ? '\r' : '\n';
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
    const kept = lines.filter((l) => !l.startsWith('data:'));
    return [...kept, `data: ${this.rewrite(data)}`].join(eol);
  }
}
