import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import type { ExchangeCapture, Recorder } from '../../capture/recorder.js';
import type { ChannelFactory, UpstreamChannel } from './channel.js';

export interface BridgeSessionOptions {
  server: string;
  /** Opened by the gateway's replay: what the process says outside any request is the replay's too. */
  forReplay?: boolean;
  openChannel: ChannelFactory;
  recorder: Recorder;
  log: (message: string) => void;
  /** Lines of stderr stored per session; more are dropped, with one note saying so. */
  maxStderrLines?: number;
  /** The client's initialize gave the session its id: it can be found by it now. */
  onInitialized(session: BridgeSession): void;
  /** The session ended (deleted, crashed, idle, shutdown): forget it. */
  onEnded(session: BridgeSession): void;
}

type Id = string | number;
const idKey = (id: Id): string => (typeof id === 'number' ? `n${id}` : `s${id}`);

/**
 * One MCP session backed by one upstream channel (a stdio process, a legacy
 * HTTP+SSE connection). The SDK's Streamable HTTP server transport speaks to
 * the client (sessions, 202s, SSE, the GET stream, DELETE); a pump moves
 * messages between it and the channel. The channel carries no notion of which
 * HTTP stream a server message belongs to, so the pump works it out:
 * responses by id, progress by progress token, anything else to the only
 * request in flight, or to the GET stream.
 */
export class BridgeSession {
  readonly transport: WebStandardStreamableHTTPServerTransport;
  private readonly child: UpstreamChannel;
  private readonly stream: 'stdio' | 'legacy-sse';
  /** The upstream channel as one long "exchange": opened to closed. */
  private readonly channel: ExchangeCapture;
  private readonly inflight = new Map<string, Id>();
  private readonly progressOwners = new Map<string, Id>();
  private stderrLines = 0;
  private closing: string | null = null;
  private sessionIdValue: string | null = null;
  openGetStreams = 0;
  lastActivity = Date.now();
  private markEnded: () => void = () => undefined;
  private readonly ended = new Promise<void>((resolve) => {
    this.markEnded = resolve;
  });

  constructor(private readonly options: BridgeSessionOptions) {
    const opened = options.openChannel({
      onLine: (line) => this.fromChild(line),
      onStderr: (line) => this.stderr(line),
      onExit: (how) => void this.exited(how),
    });
    this.child = opened.channel;
    this.stream = opened.stream;
    this.channel = options.recorder.beginExchange({
      server: options.server,
      sessionId: null,
      method: opened.stream === 'stdio' ? 'STDIO' : 'SSE',
      path: opened.description,
      requestHeaders: {},
      replay: options.forReplay ? { replayOf: null } : undefined,
    });
    this.transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        this.sessionIdValue = id;
        this.channel.adoptSession(id);
        options.onInitialized(this);
      },
      onsessionclosed: () => void this.close('the client deleted the session'),
    });
    this.transport.onmessage = (message) => this.fromClient(message);
  }

  get sessionId(): string | null {
    return this.sessionIdValue;
  }

  get pid(): number | null {
    return this.child.pid;
  }

  get busy(): boolean {
    return this.inflight.size > 0 || this.openGetStreams > 0;
  }

  /** Calls of the client the upstream has not answered yet. */
  get callsInFlight(): number {
    return this.inflight.size;
  }

  get server(): string {
    return this.options.server;
  }

  /** A stdio process (not a legacy SSE connection). */
  get isProcess(): boolean {
    return this.stream === 'stdio';
  }

  /** Closing or closed: it takes no new work. */
  get isClosing(): boolean {
    return this.closing !== null;
  }

  /** Resolves once the channel has ended (the process has exited) and the session is forgotten. */
  whenEnded(): Promise<void> {
    return this.ended;
  }

  async start(): Promise<void> {
    await this.child.start();
    await this.transport.start();
    // No HTTP answer carries what the process sends on its own: no status, rather than a made-up one.
    this.channel.upstreamResponse(null, {});
  }

  handle(request: Request): Promise<Response> {
    this.lastActivity = Date.now();
    return this.transport.handleRequest(request);
  }

  async close(reason: string): Promise<void> {
    if (this.closing) return;
    this.closing = reason;
    await this.child.close();
    await this.transport.close().catch(() => undefined);
    this.channel.finish();
    this.options.onEnded(this);
    this.markEnded();
  }

  private fromClient(message: JSONRPCMessage): void {
    this.lastActivity = Date.now();
    if ('method' in message && 'id' in message) {
      this.inflight.set(idKey(message.id), message.id);
      const token = (message.params as { _meta?: { progressToken?: Id } } | undefined)?._meta?.progressToken;
      if (token !== undefined) this.progressOwners.set(idKey(token), message.id);
    }
    this.child.send(message);
  }

  private fromChild(line: string): void {
    if (line.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      message = undefined;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      // Stray stdout (a console.log in the server) corrupts stdio MCP: record it so it can be found.
      this.recordUndelivered(line);
      return;
    }
    void this.deliver(message as JSONRPCMessage, line);
  }

  private async deliver(message: JSONRPCMessage, line: string): Promise<void> {
    let related: Id | undefined;
    if ('id' in message && message.id !== undefined && ('result' in message || 'error' in message)) {
      this.answered(message.id);
    } else {
      related = this.relatedRequest(message);
      if (related === undefined && this.openGetStreams === 0) {
        // The SDK would drop it silently: with no GET stream open, use any open request stream.
        related = [...this.inflight.values()].at(-1);
      }
    }
    try {
      if (related === undefined && !('result' in message || 'error' in message) && this.openGetStreams === 0) {
        this.recordUndelivered(line);
        return;
      }
      await this.transport.send(message, related === undefined ? undefined : { relatedRequestId: related });
    } catch {
      this.recordUndelivered(line);
    }
  }

  private relatedRequest(message: JSONRPCMessage): Id | undefined {
    if (!('method' in message)) return undefined;
    if (message.method === 'notifications/progress') {
      const token = (message.params as { progressToken?: Id } | undefined)?.progressToken;
      if (token !== undefined) {
        const owner = this.progressOwners.get(idKey(token));
        if (owner !== undefined) return owner;
      }
    }
    // Logs and server requests during a single call belong with that call.
    return this.inflight.size === 1 ? [...this.inflight.values()][0] : undefined;
  }

  private answered(id: Id): void {
    this.inflight.delete(idKey(id));
    for (const [token, owner] of this.progressOwners) if (owner === id) this.progressOwners.delete(token);
  }

  /** A line the client never saw: still recorded, on the stdio channel. */
  private recordUndelivered(line: string): void {
    const size = Buffer.byteLength(line);
    this.channel.serverMessage({ text: line, size, truncated: false, tail: null }, this.stream);
  }

  private stderr(line: string): void {
    const max = this.options.maxStderrLines ?? 10_000;
    if (this.stderrLines > max) return;
    this.stderrLines += 1;
    const text = this.stderrLines > max ? `[mcp-gateway] more than ${max} stderr lines in this session; the rest is not stored` : line;
    this.options.recorder.stderr(this.options.server, this.sessionIdValue, text);
  }

  private async exited(how: string): Promise<void> {
    if (!this.closing) {
      const what = this.stream === 'stdio' ? `stdio server "${this.options.server}" (pid ${String(this.pid)}` : `legacy SSE server "${this.options.server}" (`;
      this.options.log(`${what}session ${this.sessionIdValue ?? 'none'}) ${how}; its session is over and the client must reconnect`);
      this.options.recorder.stderr(this.options.server, this.sessionIdValue, `[mcp-gateway] ${this.stream === 'stdio' ? 'process' : 'upstream'} ${how}`);
      this.closing = how;
      // Calls in flight will never be answered: say so, or the client waits for its own timeout.
      for (const id of this.inflight.values()) {
        const kind = this.stream === 'stdio' ? 'stdio' : 'legacy SSE';
        const error = { code: -32000, message: `mcp-gateway: ${kind} server "${this.options.server}" ${how} before answering` };
        await this.transport.send({ jsonrpc: '2.0', id, error }).catch(() => undefined);
      }
      this.inflight.clear();
      await this.transport.close().catch(() => undefined);
      this.channel.finish(this.stream === 'stdio' ? `process ${how}` : how);
      this.options.onEnded(this);
      this.markEnded();
    }
  }
}
