import { serve, type ServerType } from '@hono/node-server';
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { createApi, type Api } from './api/index.js';
import { createApp } from './app.js';
import { apiClient } from './gateway-mcp/api-client.js';
import { gatewayMcpHandler } from './gateway-mcp/http.js';
import { PACKAGE_FILES } from './package-files.js';
import { createProxy } from './proxy/index.js';
import { replayMarker } from './proxy/replay-mark.js';
import { Replayer } from './replay/replayer.js';
import { MessageQueries } from './store/message-queries.js';
import { Recorder } from './capture/recorder.js';
import { ensurePrivateHome } from './home/home.js';
import { createOtel, type Otel } from './otel/index.js';
import { findRunningGateway, removeRuntimeFile, writeRuntimeFile, type RuntimeInfo } from './home/runtime.js';
import { LiveRegistry } from './registry/registry.js';
import { updateRegistry } from './registry/file.js';
import { Breakpoints } from './faults/breakpoints.js';
import { FaultRules } from './faults/rules.js';
import type { ServerEntry } from './registry/schema.js';
import { redactorsFor } from './redact/per-server.js';
import { isLoopbackHost } from './security/host-origin.js';
import { allowedBrowserOrigins } from './security/allowed-origins.js';
import { RefusalCounter, refusalLine } from './security/refusals.js';
import { GatewayToken } from './security/gateway-token.js';
import { AuditLog } from './store/audit-log.js';
import { openDatabase } from './store/db.js';
import { RetentionPruner } from './store/retention.js';
import { highestId, Writer } from './store/writer.js';
import { AlertService } from './alerts/service.js';
import { ProcessMonitor } from './process-health/monitor.js';
import { VERSION } from './version.js';

export interface StartOptions {
  home: string;
  host?: string;
  port?: number;
  log?: (message: string) => void;
  /** Folder of the built UI; defaults to packages/ui/dist beside this package. */
  uiDir?: string;
  /** How long shutdown waits for in-flight requests before closing their connections. */
  drainMs?: number;
  /** A stdio session idle this long has its process stopped (default stdio.idleMinutes of mcp.json, 30 minutes). */
  stdioIdleMs?: number;
  /** The API token; default MCP_GATEWAY_TOKEN, else the one kept in `<home>/token` (created on first start). */
  token?: string;
  /** The demo server's entry, for the inspector's demo button (POST /api/demo); the CLI gives it. */
  demo?: { entry: ServerEntry };
  /** How often retention runs a step without traffic (the age limit; default every 10 s); batches prune as they commit. */
  retentionIntervalMs?: number;
}

export interface RunningGateway {
  url: string;
  /** The API token now (kept in `<home>/token` unless MCP_GATEWAY_TOKEN sets it). */
  readonly token: string;
  /** A new token: the old one is refused from now on. Throws when MCP_GATEWAY_TOKEN sets it. */
  rotateToken(): string;
  host: string;
  port: number;
  home: string;
  app: Hono;
  registry: LiveRegistry;
  writer: Writer;
  close(): Promise<void>;
  /** Sizes of what is kept per session or per request in flight, for the steady-state checks: they fall back once sessions end. */
  internals(): Record<string, number>;
  /** For an exit that cannot wait for close(): removes gateway.json if it is still ours, so nothing claims this process still runs. */
  forgetRuntimeFile(): void;
}

/** A start-up problem the user can fix; the message says how. */
export class GatewayStartError extends Error {
  override name = 'GatewayStartError';
}

const DEFAULT_UI_DIR = PACKAGE_FILES.ui;

export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const log = options.log ?? ((message: string) => process.stderr.write(`[mcp-gateway] ${message}\n`));
  const host = options.host ?? '127.0.0.1';
  const tokenFromEnvironment = Boolean(options.token || process.env.MCP_GATEWAY_TOKEN);
  if (!isLoopbackHost(host) && !tokenFromEnvironment) {
    throw new GatewayStartError(
      `Refusing to listen on ${host} without MCP_GATEWAY_TOKEN: anyone who can reach that address could read the recorded traffic and use the upstream credentials. Set MCP_GATEWAY_TOKEN to a long random value (every API call must then send it), or use --host 127.0.0.1.`,
    );
  }
  const paths = ensurePrivateHome(options.home);
  let gatewayToken: GatewayToken;
  try {
    gatewayToken = GatewayToken.load({ file: paths.token, ...(options.token ? { explicit: options.token } : {}) });
  } catch (error) {
    throw new GatewayStartError((error as Error).message);
  }
  const token = (): string => gatewayToken.value;
  const other = await findRunningGateway(paths.runtime);
  if (other && other.pid !== process.pid) {
    throw new GatewayStartError(
      `A gateway (pid ${other.pid}) already serves ${paths.dir} at ${other.url}; two gateways on one home would mix their recordings. Stop it first, or use another --home.`,
    );
  }
  const registry = new LiveRegistry({ file: paths.registry, onError: log });
  let sqlite: Database.Database;
  try {
    ({ sqlite } = openDatabase(paths.database, { busyTimeoutMs: 100 }));
  } catch (error) {
    registry.close();
    throw new GatewayStartError(
      `Cannot open the recording database ${paths.database}: ${(error as Error).message}. Move the file away to start with an empty one.`,
    );
  }
  // The API is created below; the writer only calls publish after a flush.
  let api: Api | null = null;
  // OpenTelemetry export follows the same commits (created once the writer is ready).
  let otel: Otel | null = null;
  // The drift and poisoning analyzer sits beside the pipeline: it gets each committed batch after the API has published it.
  let alerts: AlertService | null = null;
  // Retention hands the writer its limits and reports what the batches pruned (created once the API is, below).
  let pruner: RetentionPruner | null = null;
  const writer = new Writer({
    sqlite,
    workerFile: paths.database,
    onError: (message) => log(message),
    onFlushed: (rows) => {
      api?.publish(rows);
      otel?.flushed(rows);
      alerts?.consume(rows);
    },
    onCommitted: (ops) => alerts?.committed(ops),
    onPruned: (outcome) => pruner?.pruned(outcome),
  });
  try {
    await writer.ready();
  } catch (error) {
    await writer.close();
    sqlite.close();
    registry.close();
    throw new GatewayStartError(`Cannot start the storage writer for ${paths.database}: ${(error as Error).message}.`);
  }
  const audit = new AuditLog({ sink: writer, registry });
  // Fault rules ("faults" in mcp.json): none unless listed there; while none is active the proxy reads one boolean per request.
  const faults = new FaultRules({
    read: () => registry.settings().faults,
    onChange: (listener) => registry.onChange(listener),
    write: async (mutate) => {
      await updateRegistry(paths.registry, (raw) => {
        const next = mutate(Array.isArray(raw.faults) ? (raw.faults as unknown[]) : []);
        if (next.length > 0) raw.faults = next;
        else delete raw.faults;
      });
      registry.reload();
    },
    audit: (event, fields) => audit.record(event, fields),
    breakpoints: new Breakpoints({
      onResolved: (view, outcome) =>
        audit.record('breakpoint.resolved', { subject: view.ruleId, detail: { breakpoint: view.id, server: view.server, direction: view.direction, outcome }, source: 'api' }),
    }),
  });
  alerts = new AlertService({
    file: paths.database,
    startAfter: highestId(sqlite, 'messages'),
    writer,
    servers: { names: () => registry.names(), onChange: (listener) => registry.onChange(listener) },
    publish: (alert) => api?.alert(alert),
    log,
  });
  const refusals = new RefusalCounter({
    report: (kind, reason, count, repeated) => {
      log(refusalLine(kind, reason, count, repeated));
      audit.record(kind, { subject: reason, detail: { count }, source: 'gateway' });
    },
  });
  const otelExport = createOtel({
    registry,
    databaseFile: paths.database,
    version: VERSION,
    committed: () => ({ messages: highestId(sqlite, 'messages'), exchanges: highestId(sqlite, 'exchanges') }),
    writerHealth: () => writer.health(),
    log,
  });
  otel = otelExport;
  // With "propagate" on, the first request already carries its traceparent.
  await otelExport.ready();
  const recorder = new Recorder({ sink: writer, redactorFor: redactorsFor(registry), maxStoredBodyBytes: () => registry.settings().maxBodyBytes });
  // Known only to this process: it marks the replay's own requests to the proxy route (proxy/replay-mark.ts).
  const marker = replayMarker(randomBytes(32).toString('base64url'));
  let boundPort = options.port ?? 3333;
  const baseUrl = (): string => `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  const proxy = createProxy({
    registry,
    recorder,
    log,
    baseUrl,
    token,
    stdioIdleMs: options.stdioIdleMs,
    onTokenRefused: (server) => refusals.note('token.refused', `server ${server}`),
    replayMarker: marker,
    traceHeaders: otelExport.traceHeaders,
    faults,
  });
  const replayer = new Replayer({
    queries: new MessageQueries(sqlite),
    flush: () => writer.flush(),
    registry,
    baseUrl,
    marker,
    token,
    version: VERSION,
  });

  const processMonitor = new ProcessMonitor({ children: () => proxy.children() });
  api = createApi({ registry, writer, audit, sqlite, paths, version: VERSION, baseUrl, log, processState: (name) => proxy.processState(name), processHealth: () => processMonitor.snapshot(), replayer, rotateToken: () => gatewayToken.rotate(), otelHealth: () => otelExport.health(), alerts, faults, ...(options.demo ? { demo: options.demo } : {}) });
  const app = createApp({
    // The bound address is always allowed, so 127.0.0.2 (say) can reach itself; the guard knows the usual loopback names.
    access: {
      port: () => boundPort,
      extraHosts: [host.includes(':') ? `[${host}]` : host],
      onReject: (header) => refusals.note('request.refused', header),
      allowedOrigin: allowedBrowserOrigins(registry),
    },
    token,
    tokenFile: paths.token,
    onTokenFailure: (reason) => refusals.note('token.refused', reason),
    proxy,
    api,
    // A client of the API in this process: the route has checked the token, the API's own routes take it from here.
    gatewayMcp: gatewayMcpHandler({ api: apiClient((request) => (api as Api).routes.fetch(request), 'http://gateway'), version: VERSION }),
    recordGatewayMcp: () => registry.settings().recordGatewayMcp,
    uiDir: options.uiDir ?? DEFAULT_UI_DIR,
    log,
  });

  let server: ServerType;
  try {
    server = await listen(app, host, boundPort);
  } catch (error) {
    processMonitor.close();
    api.close();
    await alerts.close();
    await writer.close();
    await otelExport.close();
    sqlite.close();
    registry.close();
    await proxy.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new GatewayStartError(`Port ${boundPort} on ${host} is in use; choose another with --port or MCP_GATEWAY_PORT.`);
    if (code === 'EACCES') throw new GatewayStartError(`Not allowed to listen on port ${boundPort}; choose a port above 1023 with --port.`);
    if (code === 'EADDRNOTAVAIL') throw new GatewayStartError(`Address ${host} is not on this machine; use --host 127.0.0.1.`);
    throw error;
  }
  boundPort = (server.address() as AddressInfo).port;
  pruner = new RetentionPruner({
    limits: () => registry.settings().retention,
    // Each batch prunes in its own transaction on the writer thread: never on this event loop.
    writer,
    onRemoved: ({ removed, before }) => api?.cleared({ server: null, before, removed }),
    onPruned: ({ removed, reason, before }) => {
      log(`retention: removed ${removed} messages (${reason})`);
      // Under load every batch prunes: one entry at once, then at most one a minute with the sum.
      audit.record('logs.pruned', { detail: { reason, before, removed }, source: 'gateway' });
    },
    onError: log,
    ...(options.retentionIntervalMs ? { intervalMs: options.retentionIntervalMs } : {}),
  });
  pruner.start();
  const runtime: RuntimeInfo = { pid: process.pid, url: baseUrl(), host, port: boundPort, version: VERSION };
  writeRuntimeFile(paths.runtime, runtime);

  const sweeper = setInterval(() => recorder.pairing.sweep(performance.timeOrigin + performance.now()), 60_000);
  sweeper.unref();

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(sweeper);
      // Event streams never end by themselves: close them first so draining waits only for real requests.
      api?.close();
      // Held breakpoints go on unchanged, so draining does not wait for their timeouts.
      faults.close();
      await drain(server as Server, options.drainMs ?? 3000);
      await pruner?.stop();
      // Counted refusals and the last changes go out with the writer's final flush.
      refusals.close();
      audit.close();
      // What the analyzer still has goes out with the writer's final flush.
      await alerts?.close();
      await writer.close();
      // After the writer's last batch, so its spans are in; sessions still open end now.
      await otel?.close();
      sqlite.close();
      registry.close();
      await proxy.close();
      processMonitor.close();
      removeRuntimeFile(paths.runtime, runtime);
    })();
    return closing;
  };

  const forgetRuntimeFile = (): void => removeRuntimeFile(paths.runtime, runtime);
  return {
    url: baseUrl(),
    host,
    port: boundPort,
    home: paths.dir,
    get token() {
      return gatewayToken.value;
    },
    rotateToken: () => gatewayToken.rotate(),
    app,
    registry,
    writer,
    close,
    internals: () => ({ ...prefixed('bridge', proxy.sizes()), pairingPending: recorder.pairing.size, pendingWrites: writer.health().pendingWrites }),
    forgetRuntimeFile,
  };
}

function prefixed(prefix: string, sizes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(sizes).map(([key, n]) => [`${prefix}.${key}`, n]));
}

function listen(app: Hono, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}

/** Stops accepting, lets in-flight requests finish, then cuts what is left (open event streams never finish). */
async function drain(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
