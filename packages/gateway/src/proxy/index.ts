import type { Hono } from 'hono';
import { Agent } from 'undici';
import type { Recorder } from '../capture/recorder.js';
import type { LiveRegistry } from '../registry/registry.js';
import { proxyRoute } from './route.js';

export interface ProxyOptions {
  registry: LiveRegistry;
  recorder: Recorder;
  log: (message: string) => void;
  /** Request bodies larger than this get 413 instead of being forwarded. */
  maxRequestBytes?: number;
  /** How much of one message the recorder keeps in memory to parse it. */
  maxCaptureBytes?: number;
}

/** Everything under /s/: the upstream connections and the routes that use them. */
export interface Proxy {
  mount(app: Hono): void;
  close(): Promise<void>;
}

export function createProxy(options: ProxyOptions): Proxy {
  // No header or body timeouts: a tool may legitimately think for minutes, and
  // event streams idle for hours. A client that gives up aborts the request.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0, connect: { timeout: 10_000 } });
  const route = proxyRoute({
    registry: options.registry,
    recorder: options.recorder,
    dispatcher,
    maxRequestBytes: options.maxRequestBytes ?? 64 * 1024 * 1024,
    maxCaptureBytes: options.maxCaptureBytes ?? 16 * 1024 * 1024,
    gatewayHeaders: new Set(),
  });
  return {
    mount(app) {
      app.all('/s/:name/mcp', route);
    },
    async close() {
      await dispatcher.close().catch(() => undefined);
    },
  };
}
