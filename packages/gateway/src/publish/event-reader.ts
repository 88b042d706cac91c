import { SseParser, type SseEvent } from '../capture/sse-parser.js';

/** A parsed event of GET /api/events (or any SSE stream): `data` is the raw text; `id` as sent. */
export type StreamEvent = SseEvent;

/**
 * Reads a server-sent event stream as it arrives, event by event, including
 * bare `id:` blocks (data null) that only move the resume position.
 */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const pending: StreamEvent[] = [];
  const parser = new SseParser({ onEvent: (event) => pending.push(event) });
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        parser.end();
        yield* pending.splice(0);
        return;
      }
      parser.push(value);
      yield* pending.splice(0);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
