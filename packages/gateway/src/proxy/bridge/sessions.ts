import type { Recorder } from '../../capture/recorder.js';
import type { ResolvedServer } from '../../registry/registry.js';
import { collect, isInitialize, readBody, requestIds } from '../body.js';
import { jsonRpcError, jsonRpcErrorResponse } from '../errors.js';
import { flatHeaders, isEventStream } from '../headers.js';
import { bodyTap, eventsTap, relayStream, webSource } from '../relay.js';
import { childEnvironment } from '../stdio/env.js';
import { configuredHeaders, expandRecord, expandReferences, MissingVariableError } from '../../registry/env-references.js';
import type { StdioCommand } from '../stdio/child.js';
import { stdioChannel } from '../stdio/channel.js';
import { sseChannel } from '../legacy/sse-channel.js';
import type { Dispatcher } from 'undici';
import type { ChannelFactory } from './channel.js';
import type { ReplayMarker } from '../replay-mark.js';
import { BridgeSession } from './session.js';
import type { StdioLimits } from '../../registry/schema.js';
import type { FaultInjector } from '../../faults/injector.js';
import type { RecordedMessage } from '../../capture/recorder.js';
import { requestFaults, type FaultScope } from '../fault-request.js';
import { faultedAnswer } from '../fault-relay.js';

export interface BridgeSessionsOptions {
  recorder: Recorder;
  log: (message: string) => void;
  maxRequestBytes: number;
  maxCaptureBytes: () => number;
  /** `"stdio"` of mcp.json, read when a session starts and at every sweep. */
  stdioLimits?: () => StdioLimits;
  /** A session with no request and no open stream for this long is closed (default: stdio.idleMinutes). */
  idleMs?: number;
  /** The gateway's environment: the source of `${env:NAME}` and the inherited allow-list. */
  env?: NodeJS.ProcessEnv;
  /** Connection pool for legacy HTTP+SSE upstreams. */
  dispatcher: Dispatcher;
  /** Recognises (and removes) the mark of the gateway's own replay requests. */
  replayMarker: ReplayMarker;
  /** Fault rules (faults/): one boolean read per request while none is active. */
  faults?: FaultInjector | undefined;
}

/**
 * Sessions of upstreams the gateway bridges to Streamable HTTP (stdio
 * processes, legacy HTTP+SSE servers): created by an initialize request, ended
 * by DELETE, by the upstream going away, by idling, or at shutdown. Commands
 * and URLs come only from mcp.json, never from the request.
 */
export class BridgeSessions {
  private readonly sessions = new Map<string, BridgeSession>();
  private readonly starting = new Set<BridgeSession>();
  /** Every session from spawn until its channel has ended, closing ones included: what runs. */
  private readonly live = new Set<BridgeSession>();
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: BridgeSessionsOptions) {
    this.sweepLater();
  }

  /** Idle is judged every 30 s, or more often for a shorter limit; re-read each time, as mcp.json may change. */
  private sweepLater(): void {
    if (this.closed) return;
    this.sweeper = setTimeout(() => {
      this.closeIdle(this.idleMs());
      this.sweepLater();
    }, Math.min(this.idleMs(), 30_000));
    this.sweeper.unref();
  }

  /** Child processes running now (stdio sessions, closing ones included), for /api/health. */
  children(): number {
    let n = 0;
    for (const session of this.live) if (session.isProcess) n++;
    return n;
  }

  /** What this keeps per session, for the steady-state checks (nothing is left once sessions end). */
  sizes(): { sessions: number; starting: number; live: number } {
    return { sessions: this.sessions.size, starting: this.starting.size, live: this.live.size };
  }

  async handle(raw: Request, server: ResolvedServer): Promise<Response> {
    const { recorder, maxRequestBytes } = this.options;
    const maxCaptureBytes = this.options.maxCaptureBytes();
    const body = await readBody(raw, maxRequestBytes);
    if (body === 'too-large') {
      return jsonRpcErrorResponse(413, jsonRpcError(null, `Request body exceeds the gateway's limit of ${maxRequestBytes} bytes (server "${server.name}")`));
    }
    const url = new URL(raw.url);
    const sessionId = raw.headers.get('mcp-session-id');
    const requestHeaders = flatHeaders(raw.headers);
    const replay = this.options.replayMarker.take(requestHeaders);
    const capture = recorder.beginExchange({
      server: server.name,
      sessionId,
      method: raw.method,
      path: url.pathname + url.search,
      requestHeaders,
      replay,
    });
    const recorded: RecordedMessage[] = body ? capture.clientBody(collect(body, maxCaptureBytes)) : [];
    const faults = this.options.faults?.active ? this.options.faults : undefined;
    const scope: FaultScope | undefined = faults && { faults, capture, server: server.name, signal: raw.signal };

    const answerItself = (status: number, message: string, code?: number): Response => {
      const ids = body ? requestIds(body.toString('utf8')) : [];
      const error = jsonRpcError(ids[0] ?? null, message);
      if (code !== undefined) error.error.code = code;
      capture.gatewayAnswer(status, JSON.stringify(error));
      capture.finish(status >= 500 ? message : undefined);
      return jsonRpcErrorResponse(status, error);
    };

    let session: BridgeSession | undefined;
    if (sessionId !== null) {
      session = this.sessions.get(sessionKey(server.name, sessionId));
      // Unknown or ended (the process exited): the client must initialize again.
      if (!session) return answerItself(404, 'Session not found', -32001);
    } else if (raw.method === 'POST' && body && isInitialize(body)) {
      const full = server.transport === 'stdio' ? await this.makeRoom(server.name) : null;
      if (full) return answerItself(503, full, -32000);
      try {
        session = await this.spawn(server, replay !== undefined);
      } catch (error) {
        return answerItself(502, (error as Error).message);
      }
    } else {
      return answerItself(400, 'Bad Request: Mcp-Session-Id header is required');
    }

    let sent = body;
    if (scope && faults?.covers(server.name, capture.session, 'client_to_server')) {
      const verdict = await requestFaults(scope, body, recorded);
      if ('answer' in verdict) return verdict.answer;
      sent = verdict.forward;
    }
    const forwarded = new Request(raw.url, { method: raw.method, headers: raw.headers, body: sent ? new Uint8Array(sent) : null, signal: raw.signal });
    const response = await session.handle(forwarded);
    const headers = flatHeaders(response.headers);
    capture.upstreamResponse(response.status, headers);
    if (!response.body) {
      capture.finish();
      return response;
    }
    const streaming = isEventStream(response.headers.get('content-type') ?? undefined);
    const isGet = raw.method === 'GET' && streaming && response.status === 200;
    if (isGet) session.openGetStreams += 1;
    const owner = session;
    const source = webSource(response.body);
    const tracked = isGet
      ? { ...source, onEnd: () => (owner.openGetStreams -= 1) }
      : source;
    if (scope && faults?.covers(server.name, capture.session, 'server_to_client')) {
      const answer = { status: response.status, headers: response.headers, source: tracked, streaming, requests: recorded, maxCaptureBytes } as const;
      return faultedAnswer(scope, { ...answer, stream: isGet ? 'get-sse' : 'post-sse' });
    }
    const tap = streaming ? eventsTap(capture, maxCaptureBytes, isGet ? 'get-sse' : 'post-sse') : bodyTap(capture, maxCaptureBytes);
    const stream = relayStream(tracked, raw.signal, tap);
    return new Response(stream, { status: response.status, headers: response.headers });
  }

  /** Ends every session of a server (it was removed or changed in mcp.json). */
  async closeServer(name: string, reason: string): Promise<void> {
    const ending = [...this.sessions.entries()].filter(([key]) => key.startsWith(`${name}\u0000`)).map(([, s]) => s);
    await Promise.all(ending.map((s) => s.close(reason)));
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweeper = null;
    const all = [...this.live];
    await Promise.all(all.map((s) => s.close('the gateway is shutting down')));
  }

  /** Process ids by session, for health and the servers view. */
  processes(name: string): Array<{ sessionId: string; pid: number | null }> {
    return [...this.sessions.entries()]
      .filter(([key]) => key.startsWith(`${name}\u0000`))
      .map(([, s]) => ({ sessionId: s.sessionId ?? '', pid: s.pid }));
  }

  /**
   * At stdio.maxSessionsPerServer, closes the least recently used session with
   * no call in flight (its next request gets 404, so its client starts again)
   * and waits until its process has exited, so the server never has more
   * processes than the limit. Returns why a new session is refused when every
   * one has a call in flight.
   */
  private async makeRoom(name: string): Promise<string | null> {
    for (;;) {
      const max = this.limits().maxSessionsPerServer;
      // Every process of the server counts: starting, running, and stopping.
      const mine = [...this.live].filter((s) => s.server === name);
      if (mine.length < max) return null;
      let idlest: BridgeSession | null = null;
      for (const session of mine) {
        if (session.isClosing || session.callsInFlight > 0 || session.sessionId === null) continue;
        if (this.sessions.get(sessionKey(name, session.sessionId)) !== session) continue;
        if (!idlest || session.lastActivity < idlest.lastActivity) idlest = session;
      }
      if (idlest) {
        // Forgotten now, so it is neither chosen twice nor found by its id while its process stops.
        this.sessions.delete(sessionKey(name, idlest.sessionId as string));
        const idleFor = Math.round((Date.now() - idlest.lastActivity) / 1000);
        this.options.log(`stdio server "${name}": closed session ${idlest.sessionId} (least recently used, idle ${idleFor} s) to start a new one within stdio.maxSessionsPerServer (${max})`);
        void idlest.close(`closed to make room: stdio.maxSessionsPerServer (${max}) reached`);
        await idlest.whenEnded();
        continue;
      }
      const stopping = mine.filter((s) => s.isClosing);
      if (stopping.length > 0) {
        await Promise.race(stopping.map((s) => s.whenEnded()));
        continue;
      }
      return `stdio server "${name}" already runs ${mine.length} sessions, each with a call in flight: the limit is stdio.maxSessionsPerServer (${max}) in mcp.json. Retry when a call has finished, or raise the limit.`;
    }
  }

  private limits(): StdioLimits {
    return this.options.stdioLimits?.() ?? { maxSessionsPerServer: 50, idleMinutes: 30 };
  }

  private idleMs(): number {
    return this.options.idleMs ?? this.limits().idleMinutes * 60_000;
  }

  private async spawn(server: ResolvedServer, forReplay: boolean): Promise<BridgeSession> {
    const openChannel = this.channelFor(server);
    const session: BridgeSession = new BridgeSession({
      server: server.name,
      forReplay,
      openChannel,
      recorder: this.options.recorder,
      log: this.options.log,
      onInitialized: (started) => {
        this.starting.delete(started);
        if (started.sessionId) this.sessions.set(sessionKey(server.name, started.sessionId), started);
      },
      onEnded: (ended) => {
        this.starting.delete(ended);
        this.live.delete(ended);
        const key = ended.sessionId ? sessionKey(server.name, ended.sessionId) : null;
        // Only itself: a session closed to make room is already gone from the map.
        if (key && this.sessions.get(key) === ended) this.sessions.delete(key);
      },
    });
    this.starting.add(session);
    this.live.add(session);
    try {
      await session.start();
    } catch (error) {
      this.starting.delete(session);
      await session.close('could not start');
      this.live.delete(session);
      if (server.transport !== 'stdio') throw new Error(`Cannot connect to legacy SSE server "${server.name}": ${(error as Error).message}`);
      const command = server.entry.command ?? '';
      const cause = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `command not found (is "${command}" installed and on PATH?)` : (error as Error).message;
      throw new Error(`Cannot start stdio server "${server.name}" (${command}): ${cause}`);
    }
    return session;
  }

  private channelFor(server: ResolvedServer): ChannelFactory {
    if (server.transport === 'stdio') return stdioChannel(this.commandFor(server));
    const env = this.options.env ?? process.env;
    let headers: Record<string, string>;
    try {
      headers = configuredHeaders(server, env);
    } catch (error) {
      throw new Error(`Cannot connect to legacy SSE server "${server.name}": ${(error as Error).message}`);
    }
    return sseChannel({ url: new URL(server.entry.url ?? ''), headers, dispatcher: this.options.dispatcher });
  }

  private commandFor(server: ResolvedServer): StdioCommand {
    const env = this.options.env ?? process.env;
    const where = `server "${server.name}"`;
    try {
      return {
        command: expandReferences(server.entry.command ?? '', env, `${where} command`),
        args: (server.entry.args ?? []).map((a) => expandReferences(a, env, `${where} args`)),
        env: childEnvironment(expandRecord(server.entry.env, env, `${where} env`), env),
        ...(server.entry.cwd ? { cwd: server.entry.cwd } : {}),
      };
    } catch (error) {
      if (error instanceof MissingVariableError) throw new Error(`Cannot start stdio server "${server.name}": ${error.message}`);
      throw error;
    }
  }

  private closeIdle(idleMs: number): void {
    const now = Date.now();
    // Sessions still starting too: an initialize the client gave up on leaves one that never gets an id.
    for (const session of this.live) {
      if (!session.busy && now - session.lastActivity > idleMs) void session.close(`idle for ${Math.round(idleMs / 1000)} s`);
    }
  }
}

function sessionKey(server: string, sessionId: string): string {
  return `${server}\u0000${sessionId}`;
}
