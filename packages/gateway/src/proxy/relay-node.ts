import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { CLIENT_GONE, upstreamFailure, type RelayTap } from './relay.js';

/**
 * `relayStream` without web streams, for when @hono/node-server serves: the
 * upstream body is written to Node's response as it arrives, which is what
 * the adapter would do with each chunk of a ReadableStream, minus the stream
 * (in Node 20 each one is made transferable, and every chunk costs a read
 * promise on each side). The contract is the same: the client gets the bytes
 * as the upstream emits them; a client that is behind pauses the upstream
 * read; a client that goes away destroys the upstream request and is recorded
 * as gone; an upstream failure cuts the client's response; the tap sees each
 * chunk after the client has it and the end exactly once.
 *
 * Returns the adapter's documented "already sent" answer for the route to
 * return, or null when Node refuses the headers, for the caller to answer
 * the usual way (where the adapter reports the same refusal).
 */
export function relayToNode(
  body: Readable,
  outgoing: ServerResponse,
  status: number,
  headers: Record<string, string>,
  clientSignal: AbortSignal,
  tap: RelayTap,
): Response | null {
  try {
    outgoing.writeHead(status, headers);
  } catch {
    return null;
  }
  // Headers now, as the adapter does for a streamed body: an event stream may stay silent for a long time.
  outgoing.flushHeaders();
  let ended = false;
  const end = (error?: string): void => {
    if (ended) return;
    ended = true;
    tap.end(error);
  };
  body.on('data', (chunk: Buffer) => {
    if (!outgoing.write(chunk)) body.pause();
    try {
      tap.chunk(chunk);
    } catch {
      // A recording failure must never reach the client.
    }
  });
  outgoing.on('drain', () => body.resume());
  body.on('end', () => {
    end();
    outgoing.end();
  });
  body.on('error', (error) => {
    end(clientSignal.aborted ? CLIENT_GONE : upstreamFailure(error));
    outgoing.destroy(error);
  });
  outgoing.on('close', () => {
    if (outgoing.writableFinished) return;
    end(CLIENT_GONE);
    body.destroy();
  });
  return RESPONSE_ALREADY_SENT;
}
