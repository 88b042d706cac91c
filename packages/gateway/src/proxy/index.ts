import type { Hono } from 'hono';
import { Agent } from 'undici';
import type { Recorder } from '../capture/recorder.js';
import type { LiveRegistry } from '../registry/registry.js';
import { LegacyVerdicts } from './legacy/detect.js';
import { LegacyPassthrough } from './legacy/passthrough.js';
import type { TraceHeaders } from './http-upstream.js';
import type { FaultInjector } from '../faults/injector.js';
import { OAuthDiscovery } from './oauth.js';
import { legacyRoutes, proxyRoute } from './route.js';
import { BridgeSessions } from './bridge/sessions.js';
import { recordedLocal } from './local.js';
import { REPLAY_HEADER, type ReplayMarker } from './replay-mark.js';
import { configuredHeadersCache } from '../registry/env-references.js';
import { upstreamAgent } from './node-upstream.js';

export interface ProxyOptions {
  registry: LiveRegistry;
  recorder: Recorder;
  log: (message: string) => void;
  /** The API token (read per request: it can be rotated): demanded by servers with `"requireToken": true`, never forwarded. */
  token: () => string;
  /** A client without the token was refused by a `requireToken` server. */
  onTokenRefused?: (server: string) => void;
  /** The gateway's own base URL, for OAuth metadata that must name the gateway. */
  baseUrl: () => string;
  /** Request bodies larger than this get 413 instead of being forwarded. */
  maxRequestBytes?: number;
  /**
   * How much of one message the recorder holds to classify it. Beyond the
   * stored cap only the head and a 64 KiB tail matter (the id of an SDK
   * response is at its end), so this follows the cap, read per request.
   */
  maxCaptureBytes?: () => number;
  /** A stdio session idle this long is closed (its process stopped); default stdio.idleMinutes of mcp.json. */
  stdioIdleMs?: number;
  /** Recognises the gateway's own replay requests (see replay-mark.ts). */
  replayMarker: ReplayMarker;
  /** Headers added to upstream HTTP requests (OpenTelemetry's traceparent, when propagation is on). */
  traceHeaders?: TraceHeaders;
  /** Fault rules (faults/): the proxy reads `faults.active` per request and does nothing else while it is false. */
  faults?: FaultInjector;
}

/** Everything under /s/: the upstream connections and the routes that use them. */
export interface Proxy {
  mount(app: Hono): void;
  /** Whether a bridged (stdio) server has a process running now. */
  processState(server: string): 'running' | 'not-running';
  /** stdio processes running now, every server together. */
  children(): number;
  /** Sizes of what the bridge keeps per session, for the steady-state checks. */
  sizes(): { sessions: number; starting: number; live: number };
  /** A handler inside the gateway, recorded like an upstream under the name `server`. */
  recorded(server: string, handler: (request: Request) => Promise<Response>): (request: Request) => Promise<Response>;
  close(): Promise<void>;
}

export function createProxy(options: ProxyOptions): Proxy {
  // No header or body timeouts: a tool may legitimately think for minutes, and
  // event streams idle for hours. A client that gives up aborts the request.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0, connect: { timeout: 10_000 } });
  // Proxied requests to plain http upstreams (see node-upstream.ts).
  const agent = upstreamAgent();
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024 * 1024;
  const maxCaptureBytes = options.maxCaptureBytes ?? (() => options.registry.settings().maxBodyBytes + 64 * 1024);
  const replay = options.replayMarker;
  const bridge = new BridgeSessions({
    recorder: options.recorder,
    log: options.log,
    maxRequestBytes,
    maxCaptureBytes,
    idleMs: options.stdioIdleMs,
    stdioLimits: () => options.registry.settings().stdio,
    dispatcher,
    replayMarker: replay,
    faults: options.faults,
  });
  // A bridged server whose entry changed or went away: its running sessions are stale.
  let known = new Map(options.registry.list().map((s) => [s.name, JSON.stringify(s.entry)]));
  const unsubscribe = options.registry.onChange(({ servers }) => {
    const next = new Map(servers.map((s) => [s.name, JSON.stringify(s.entry)]));
    for (const [name, entry] of known) if (next.get(name) !== entry) void bridge.closeServer(name, 'its entry in mcp.json changed');
    known = next;
  });
  const oauth = new OAuthDiscovery({ registry: options.registry, recorder: options.recorder, dispatcher, baseUrl: options.baseUrl });
  const http = {
    recorder: options.recorder,
    dispatcher,
    agent,
    maxRequestBytes,
    maxCaptureBytes,
    gatewayHeaders: new Set<string>(['x-mcp-gateway-token', REPLAY_HEADER]),
    replayMarker: replay,
    token: options.token,
    configuredHeaders: configuredHeadersCache(),
    rewriteChallenge: (name: string, upstreamUrl: URL, value: string) => oauth.rewriteChallenge(name, upstreamUrl, value),
    ...(options.traceHeaders ? { traceHeaders: options.traceHeaders } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
  };
  const onTokenRefused = options.onTokenRefused ?? (() => undefined);
  const route = proxyRoute({ ...http, registry: options.registry, bridge, verdicts: new LegacyVerdicts(), onTokenRefused });
  const legacy = legacyRoutes(options.registry, new LegacyPassthrough(http), options.token, onTokenRefused);
  return {
    mount(app) {
      app.all('/s/:name/mcp', route);
      app.get('/s/:name/sse', legacy.stream);
      app.post('/s/:name/message', legacy.message);
      app.get('/.well-known/oauth-protected-resource/s/:name/mcp', oauth.route);
    },
    processState: (server) => (bridge.processes(server).length > 0 ? 'running' : 'not-running'),
    children: () => bridge.children(),
    sizes: () => bridge.sizes(),
    recorded: (server, handler) => recordedLocal({ recorder: options.recorder, server, maxRequestBytes, maxCaptureBytes }, handler),
    async close() {
      unsubscribe();
      await bridge.closeAll();
      await dispatcher.close().catch(() => undefined);
      agent.destroy();
    },
  };
}
