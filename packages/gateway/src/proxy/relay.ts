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

const CLIENT_GONE = 'client disconnected';

function endCapture(capture: ExchangeCapture, error: string | undefined): void {
  if (error === CLIENT_GONE) capture.clientAborted(error);
  else capture.finish(error);
}

/**
 * A client-facing stream over the upstream body. Pull-based, so a slow client
 * slows the upstream read instead of growing a buffer; cancelling it (the
 * client went away) destroys the upstream request.
 */
function relay(
  source: RelaySource,
  clientSignal: AbortSignal,
  onChunk: (chunk: Uint8Array) => void,
  onEnd: (error?: string) => void,
): ReadableStream<Uint8Array> {
  const iterator = source.iterator;
  let ended = false;
  const end = (error?: string): void => {
    if (ended) return;
    ended = true;
    source.onEnd?.();
    onEnd(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        end(clientSignal.aborted ? CLIENT_GONE : `upstream stream failed: ${describeUpstreamFailure(error)}`);
        controller.error(error);
        return;
      }
      if (next.done) {
        end();
        controller.close();
        return;
      }
      const chunk = next.value;
      controller.enqueue(chunk);
      try {
        onChunk(chunk);
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

export function teeBody(source: RelaySource, signal: AbortSignal, capture: ExchangeCapture, maxCaptureBytes: number): ReadableStream<Uint8Array> {
  const collector = new BodyCollector(maxCaptureBytes);
  return relay(
    source,
    signal,
    (chunk) => collector.push(chunk),
    (error) => {
      capture.serverBody(collector.finish());
      endCapture(capture, error);
    },
  );
}

export function teeEvents(
  source: RelaySource,
  signal: AbortSignal,
  capture: ExchangeCapture,
  stream: 'get-sse' | 'post-sse',
  maxCaptureBytes: number,
): ReadableStream<Uint8Array> {
  const parser = new SseParser({ maxDataBytes: maxCaptureBytes, onEvent: (event) => capture.serverEvent(event, stream) });
  return relay(
    source,
    signal,
    (chunk) => parser.push(chunk),
    (error) => {
      parser.end();
      endCapture(capture, error);
    },
  );
}
