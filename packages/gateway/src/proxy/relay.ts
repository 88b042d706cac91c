import type { Readable } from 'node:stream';
import { BodyCollector } from '../capture/body-collector.js';
import type { ExchangeCapture } from '../capture/recorder.js';
import { SseParser } from '../capture/sse-parser.js';
import { describeUpstreamFailure } from './errors.js';

/** An upstream body to relay: its chunks, and how to stop it. */
export interface RelaySource {
  iterator: AsyncIterator<Uint8Array>;
  cancel(): void;
  /** Called once when the relay ends, however it ends. */
  onEnd?: () => void;
}

export function nodeSource(body: Readable): RelaySource {
  return { iterator: body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>, cancel: () => body.destroy() };
}

export function webSource(body: ReadableStream<Uint8Array>): RelaySource {
  const reader = body.getReader();
  return {
    iterator: { next: () => reader.read() as Promise<IteratorResult<Uint8Array>> },
    cancel: () => void reader.cancel().catch(() => undefined),
  };
}

export const CLIENT_GONE = 'client disconnected';

/** What the recording does with a relayed body: each chunk once the client has it, then the end, exactly once. */
export interface RelayTap {
  chunk(chunk: Uint8Array): void;
  /** `CLIENT_GONE` when the client went away, another message when the upstream failed. */
  end(error?: string): void;
}

function endCapture(capture: ExchangeCapture, error: string | undefined): void {
  if (error === CLIENT_GONE) capture.clientAborted(error);
  else capture.finish(error);
}

/** Changes the bytes the client gets (never what is recorded). */
export interface ClientRewrite {
  push(chunk: Uint8Array): Uint8Array;
  flush(): Uint8Array;
}

/**
 * A client-facing stream over the upstream body. Pull-based, so a slow client
 * slows the upstream read instead of growing a buffer; cancelling it (the
 * client went away) destroys the upstream request.
 */
export function relayStream(source: RelaySource, clientSignal: AbortSignal, tap: RelayTap, rewrite?: ClientRewrite): ReadableStream<Uint8Array> {
  const iterator = source.iterator;
  let ended = false;
  const end = (error?: string): void => {
    if (ended) return;
    ended = true;
    source.onEnd?.();
    tap.end(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        end(clientSignal.aborted ? CLIENT_GONE : upstreamFailure(error));
        controller.error(error);
        return;
      }
      if (next.done) {
        const rest = rewrite?.flush();
        if (rest && rest.byteLength > 0) controller.enqueue(rest);
        end();
        controller.close();
        return;
      }
      const chunk = next.value;
      const outgoing = rewrite ? rewrite.push(chunk) : chunk;
      // A rewrite may hold bytes back until it has a whole event; never enqueue nothing.
      if (outgoing.byteLength > 0 || !rewrite) controller.enqueue(outgoing);
      try {
        tap.chunk(chunk);
      } catch {
        // A recording failure must never reach the client.
      }
    },
    cancel() {
      end(CLIENT_GONE);
      source.cancel();
    },
  });
}

export function upstreamFailure(error: unknown): string {
  return `upstream stream failed: ${describeUpstreamFailure(error)}`;
}

/** A plain body (JSON too large to hold, or of unknown length): collected head and tail, recorded at the end. */
export function bodyTap(capture: ExchangeCapture, maxCaptureBytes: number): RelayTap {
  const collector = new BodyCollector(maxCaptureBytes);
  return {
    chunk: (chunk) => collector.push(chunk),
    end: (error) => {
      capture.serverBody(collector.finish());
      endCapture(capture, error);
    },
  };
}

/** An event stream: each event recorded as it completes. */
export function eventsTap(capture: ExchangeCapture, maxCaptureBytes: number, stream: 'get-sse' | 'post-sse' | 'legacy-sse'): RelayTap {
  const parser = new SseParser({ maxDataBytes: maxCaptureBytes, onEvent: (event) => capture.serverEvent(event, stream) });
  return {
    chunk: (chunk) => parser.push(chunk),
    end: (error) => {
      parser.end();
      endCapture(capture, error);
    },
  };
}
