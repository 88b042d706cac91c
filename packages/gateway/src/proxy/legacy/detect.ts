import { request, type Dispatcher } from 'undici';
import { SseParser } from '../../capture/sse-parser.js';
import { isEventStream } from '../headers.js';

/**
 * Whether a URL serves the 2024-11-05 HTTP+SSE transport: a GET event stream
 * whose first event is `endpoint`. The connection is dropped as soon as that is
 * known.
 */
export async function speaksLegacySse(url: URL, headers: Record<string, string>, dispatcher: Dispatcher, timeoutMs = 3000): Promise<boolean> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await request(url, { method: 'GET', headers: { ...headers, accept: 'text/event-stream' }, signal: abort.signal, dispatcher });
    if (response.statusCode !== 200 || !isEventStream(response.headers['content-type'])) {
      await response.body.dump().catch(() => undefined);
      return false;
    }
    return await new Promise<boolean>((resolve) => {
      const parser = new SseParser({ onEvent: (event) => resolve(event.event === 'endpoint') });
      response.body.on('data', (chunk: Buffer) => parser.push(chunk));
      response.body.on('error', () => resolve(false));
      response.body.on('close', () => resolve(false));
    });
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** Servers registered as Streamable HTTP that turned out to speak HTTP+SSE, by name and URL. */
export class LegacyVerdicts {
  private readonly legacy = new Map<string, string>();

  isLegacy(name: string, url: string | undefined): boolean {
    return url !== undefined && this.legacy.get(name) === url;
  }

  markLegacy(name: string, url: string): void {
    this.legacy.set(name, url);
  }
}
