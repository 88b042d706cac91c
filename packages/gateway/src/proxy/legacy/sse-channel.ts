import { request, type Dispatcher } from 'undici';
import { SseParser } from '../../capture/sse-parser.js';
import type { ChannelEvents, ChannelFactory, UpstreamChannel } from '../bridge/channel.js';
import { describeUpstreamFailure } from '../errors.js';
import { isEventStream } from '../headers.js';

export interface SseChannelOptions {
  /** The upstream's SSE URL (GET). */
  url: URL;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  /** How long to wait for the `endpoint` event. */
  endpointTimeoutMs?: number;
}

export function sseChannel(options: SseChannelOptions): ChannelFactory {
  return (events) => ({ channel: new SseChannel(options, events), description: `GET ${options.url.href}`, stream: 'legacy-sse' });
}

/**
 * A client of a 2024-11-05 HTTP+SSE server: one GET event stream whose first
 * event names the endpoint to POST messages to; answers come back on the
 * stream. POSTs are sent one at a time so the server sees them in order.
 */
class SseChannel implements UpstreamChannel {
  readonly pid = null;
  private endpoint: URL | null = null;
  private readonly abort = new AbortController();
  private closed = false;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: SseChannelOptions,
    private readonly events: ChannelEvents,
  ) {}

  async start(): Promise<void> {
    const { url, headers, dispatcher } = this.options;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'GET',
        headers: { ...headers, accept: 'text/event-stream', 'accept-encoding': 'identity' },
        signal: this.abort.signal,
        dispatcher,
      });
    } catch (error) {
      throw new Error(`${url.origin}${url.pathname} is unreachable: ${describeUpstreamFailure(error)}`);
    }
    if (response.statusCode !== 200 || !isEventStream(response.headers['content-type'])) {
      await response.body.dump().catch(() => undefined);
      throw new Error(
        `GET ${url.href} answered ${response.statusCode} (${String(response.headers['content-type'] ?? 'no content type')}), not an event stream; is the URL the server's SSE endpoint?`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${url.href} sent no endpoint event within ${this.options.endpointTimeoutMs ?? 10_000} ms`));
        this.abort.abort();
      }, this.options.endpointTimeoutMs ?? 10_000);
      const parser = new SseParser({
        onEvent: (event) => {
          if (this.endpoint === null) {
            if (event.event !== 'endpoint' || !event.data) return;
            const endpoint = new URL(event.data, url);
            clearTimeout(timer);
            // Like the SDK client: an endpoint elsewhere would let the server redirect our POSTs anywhere.
            if (endpoint.origin !== url.origin) {
              reject(new Error(`its endpoint event names another origin (${endpoint.origin}); refusing to post there`));
              this.abort.abort();
              return;
            }
            this.endpoint = endpoint;
            resolve();
            return;
          }
          if (event.event === 'message' && event.data) this.events.onLine(event.data);
        },
      });
      response.body.on('data', (chunk: Buffer) => parser.push(chunk));
      response.body.on('error', () => undefined);
      response.body.on('close', () => {
        clearTimeout(timer);
        if (this.endpoint === null) reject(new Error(`${url.href} closed its event stream before sending an endpoint event`));
        else if (!this.closed) this.events.onExit('closed its event stream');
      });
    });
  }

  send(message: unknown): void {
    const endpoint = this.endpoint;
    if (!endpoint || this.closed) return;
    this.sending = this.sending.then(async () => {
      try {
        const response = await request(endpoint, {
          method: 'POST',
          headers: { ...this.options.headers, 'content-type': 'application/json' },
          body: JSON.stringify(message),
          signal: this.abort.signal,
          dispatcher: this.options.dispatcher,
        });
        const text = await response.body.text();
        if (response.statusCode >= 300) this.events.onStderr(`POST ${endpoint.pathname} answered ${response.statusCode}: ${text.slice(0, 500)}`);
      } catch (error) {
        if (!this.closed) this.events.onStderr(`POST ${endpoint.pathname} failed: ${describeUpstreamFailure(error)}`);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.sending;
  }
}
