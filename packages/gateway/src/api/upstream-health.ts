import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { configuredHeaders } from '../registry/env-references.js';
import type { LiveRegistry, ResolvedServer } from '../registry/registry.js';
import type { ServerHealth } from '../types.js';

export interface UpstreamHealthOptions {
  /** Where servers are looked up: the live registry, or (in the CLI) the file as read once. */
  registry: Pick<LiveRegistry, 'get'>;
  /** Stdio process state, when the proxy can tell. */
  processState?: (server: string) => 'running' | 'not-running';
  /** Called when a server's status differs from its previous check. */
  onChange?: (health: ServerHealth) => void;
  timeoutMs?: number;
  /** A check this recent is reused instead of asking the upstream again. */
  maxAgeMs?: number;
  now?: () => number;
}

// A JSON-RPC ping without a session: any HTTP answer (even 400, 401 or 404)
// proves the server is reachable; only a connection error or silence is down.
const PING = JSON.stringify({ jsonrpc: '2.0', id: 'mcp-gateway-health', method: 'ping' });

/** On-demand health of upstream servers: cached, at most one check in flight per server. */
export class UpstreamHealth {
  private readonly results = new Map<string, { health: ServerHealth; at: number; entry: string }>();
  private readonly inflight = new Map<string, Promise<ServerHealth>>();
  private readonly controllers = new Set<AbortController>();
  private readonly options: UpstreamHealthOptions & Required<Pick<UpstreamHealthOptions, 'timeoutMs' | 'maxAgeMs' | 'now'>>;

  constructor(options: UpstreamHealthOptions) {
    this.options = { ...options, timeoutMs: options.timeoutMs ?? 5000, maxAgeMs: options.maxAgeMs ?? 30_000, now: options.now ?? Date.now };
  }

  /** The server's health, or null when no such server is registered. */
  async check(name: string): Promise<ServerHealth | null> {
    const server = this.options.registry.get(name);
    if (!server) return null;
    if (server.transport === 'stdio') return this.stdio(server);
    const entry = JSON.stringify(server.entry);
    const cached = this.results.get(name);
    if (cached && cached.entry === entry && this.options.now() - cached.at < this.options.maxAgeMs) return cached.health;
    let running = this.inflight.get(name);
    if (!running) {
      running = this.probe(server).finally(() => this.inflight.delete(name));
      this.inflight.set(name, running);
    }
    return running;
  }

  /** Aborts checks in flight (shutdown). */
  close(): void {
    for (const controller of this.controllers) controller.abort();
  }

  private stdio(server: ResolvedServer): ServerHealth {
    const state = this.options.processState?.(server.name) ?? 'not-running';
    return this.record(server, { status: state, latencyMs: null, httpStatus: null, lastError: null });
  }

  private async probe(server: ResolvedServer): Promise<ServerHealth> {
    const started = performance.now();
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    try {
      const headers = {
        ...configuredHeaders(server),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      };
      // undici, as the proxy uses: the same ports and behaviour as real traffic (fetch refuses some ports).
      const response = await request(server.entry.url ?? '', { method: 'POST', headers, body: PING, signal: controller.signal });
      const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
      // The status is all we need; do not wait for (or keep open) a stream.
      response.body.on('error', () => undefined).destroy();
      return this.record(server, { status: 'up', latencyMs, httpStatus: response.statusCode, lastError: null });
    } catch (error) {
      const reason = controller.signal.aborted ? String((controller.signal.reason as Error | undefined)?.message ?? 'aborted') : describe(error);
      return this.record(server, { status: 'down', latencyMs: null, httpStatus: null, lastError: reason });
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }

  private record(server: ResolvedServer, result: Pick<ServerHealth, 'status' | 'latencyMs' | 'httpStatus' | 'lastError'>): ServerHealth {
    const at = this.options.now();
    const health: ServerHealth = { server: server.name, type: server.transport, ...result, checkedAt: new Date(at).toISOString() };
    const previous = this.results.get(server.name);
    this.results.set(server.name, { health, at, entry: JSON.stringify(server.entry) });
    if (previous?.health.status !== health.status) this.options.onChange?.(health);
    return health;
  }
}

/** The error code says why (ECONNREFUSED, ENOTFOUND, ...), with its message. */
function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const errors = (error as { errors?: Array<{ code?: string; message?: string }> }).errors;
  // A host with several addresses fails with one error per address.
  if (!code && errors?.[0]) return describe(errors[0]);
  return [code, message].filter(Boolean).join(': ') || String(error);
}
