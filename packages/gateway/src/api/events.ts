// GET /api/events: the live feed as server-sent events.
//
//   event: message   id: <message id>   data: MessageRecord (+ bodyClipped)
//   event: health    (no id)            data: HealthEvent
//   event: clear     (no id)            data: ClearEvent
//   event: alert     (no id)            data: Alert (raised, or seen again)
//
// Resume: with Last-Event-ID (or ?after=) the stream first replays every
// stored message after that id, then goes live, with no gap and no duplicate:
// it subscribes in the same synchronous step as the replay query that comes
// back short, and the writer only publishes after a commit, so every message
// is either in the database when the query runs or published after the
// subscription exists (ids at or below the last one sent are skipped anyway).
// Without a position the stream starts at the newest stored message and says
// so with a bare `id:` line, so a reconnect resumes from there.
import type { Subscription, FeedEvent } from '../publish/feed.js';
import type { MessageRecord } from '../types.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { badParameter } from './errors.js';
import { apiErrorSchema } from './response-schemas.js';
import { eventsQuery } from './schemas.js';
import { route, type RouteSpec } from './spec.js';
import { textStream } from './streaming.js';

const REPLAY_PAGE = 500;
const KEEP_ALIVE_MS = 15_000;

interface StreamOptions {
  server?: string;
  after: number | null;
  maxBody: number;
}

function clip(record: MessageRecord, maxBody: number): MessageRecord & { bodyClipped: boolean } {
  if (record.body.length <= maxBody) return { ...record, bodyClipped: false };
  let cut = maxBody;
  // Do not split a surrogate pair.
  if (cut > 0 && /[\uD800-\uDBFF]/.test(record.body.charAt(cut - 1))) cut -= 1;
  return { ...record, body: record.body.slice(0, cut), bodyClipped: true };
}

const messageEvent = (record: MessageRecord & { bodyClipped: boolean }): string =>
  `event: message\nid: ${record.id}\ndata: ${JSON.stringify(record)}\n\n`;

async function* eventLines(ctx: ApiContext, options: StreamOptions, onSubscribe: (s: Subscription) => void): AsyncGenerator<string> {
  const { queries, feed } = ctx;
  const wanted = (event: FeedEvent): boolean => {
    if (options.server === undefined) return true;
    if (event.type === 'message') return event.data.server === options.server;
    if (event.type === 'clear') return event.data.server === null || event.data.server === options.server;
    if (event.type === 'alert') return event.data.server === options.server;
    return true;
  };
  const subscribe = (): Subscription => {
    const subscription = feed.subscribe(wanted);
    onSubscribe(subscription);
    return subscription;
  };
  const filter = options.server === undefined ? {} : { server: options.server };
  yield 'retry: 1000\n\n';

  let subscription: Subscription | null = null;
  let last: number;
  try {
    if (options.after === null) {
      last = queries.newestId();
      subscription = subscribe();
      yield `id: ${last}\n\n`;
    } else {
      last = options.after;
      while (subscription === null) {
        const ids = queries.ids(filter, { after: last, limit: REPLAY_PAGE, order: 'asc' });
        const rows = queries.byIds(ids, options.maxBody);
        // Same synchronous step as the query: nothing can be published in between.
        if (ids.length < REPLAY_PAGE) subscription = subscribe();
        for (const row of rows) {
          last = row.id;
          yield messageEvent(row);
        }
      }
    }

    const keepAliveMs = ctx.deps.tuning?.keepAliveMs ?? KEEP_ALIVE_MS;
    for (;;) {
      const event = await subscription.next(keepAliveMs);
      if (event === null) return; // shut down, or cut off for falling behind: the client resumes with Last-Event-ID
      if (event === 'idle') {
        yield ': keep-alive\n\n';
      } else if (event.type === 'message') {
        if (event.id <= last) continue;
        last = event.id;
        yield messageEvent(clip(event.data, options.maxBody));
      } else {
        yield `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
      }
    }
  } finally {
    subscription?.close('closed');
  }
}

function lastEventId(header: string | undefined): number | null {
  if (header === undefined || header.trim() === '') return null;
  const value = header.trim();
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badParameter(`Last-Event-ID must be a message id, a non-negative integer (got ${JSON.stringify(value)})`);
  }
  return Number(value);
}

export function eventRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/events',
      operationId: 'streamEvents',
      tag: 'events',
      summary: 'Live server-sent events: new messages, health changes, clears; resumable with Last-Event-ID',
      description:
        'Events: `message` (id: the message id; data: the message, body cut to maxBody), `health` (data: {scope: "storage"|"server", health}), ' +
        '`clear` (data: {server, before, removed}: drop messages of that server, or of all servers when null, with ids below `before`), ' +
        '`alert` (data: an Alert as GET /api/alerts lists it, when it is raised or seen again). ' +
        'A response message carries pairedId: it answers the request with that id, which is now paired with it. ' +
        'Reconnect with Last-Event-ID (EventSource does it) or ?after=<id> to get everything after that id exactly once. ' +
        'A client that reads too slowly is disconnected and resumes the same way. Comments (": keep-alive") come every 15 s.',
      query: eventsQuery,
      responses: {
        200: { description: 'text/event-stream', contentType: 'text/event-stream' },
        400: { ...ERROR_RESPONSES[400], schema: apiErrorSchema },
      },
      handle: ({ c, query }) => {
        const fromHeader = lastEventId(c.req.header('last-event-id'));
        const options: StreamOptions = { server: query.server, after: fromHeader ?? query.after ?? null, maxBody: query.maxBody };
        let subscription: Subscription | null = null;
        const body = textStream(
          eventLines(ctx, options, (s) => {
            subscription = s;
          }),
          () => (subscription as Subscription | null)?.close('closed'),
        );
        return new Response(body, {
          headers: {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache, no-transform',
            'x-accel-buffering': 'no',
          },
        });
      },
    }),
  ];
}
