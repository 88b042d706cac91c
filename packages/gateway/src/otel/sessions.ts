// When MCP sessions begin and end, for mcp.client.session.duration. Read from
// the recording like the spans: a session begins with its initialize (or the
// first message seen of it, for one that began before this gateway started),
// and ends with a DELETE the upstream accepted, a 404 for it, the bridge's
// channel closing (the client's DELETE, idle reaping, the stdio process
// exiting), or the gateway shutting down.
import type { Attributes } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { ATTR_MCP_PROTOCOL_VERSION } from '@opentelemetry/semantic-conventions/incubating';
import type { MessageRecord } from '../types.js';
import type { ExchangeMark } from './source.js';
import { ATTR_GATEWAY_SERVER, serverAttributes, type ServerInfo } from './spans.js';

/** How the bridge records its own channel to a stdio process or a legacy SSE server (proxy/bridge/session.ts). */
export const CHANNEL_METHODS = ['STDIO', 'SSE'] as const;

/** error.type of a session whose stdio process or legacy SSE stream ended by itself. */
export const ERROR_UPSTREAM_EXITED = 'upstream_exited';
/** error.type of a session the upstream answered 404 for (expired or deleted there). */
export const ERROR_SESSION_GONE = '404';

/** Open sessions tracked at most; past it the least recently active is forgotten (never reported, rather than with a made-up end). */
const MAX_SESSIONS = 10_000;
/** A DELETE whose status never arrives (the gateway lost it) stops being waited for. */
const PENDING_DELETE_MS = 60_000;

export interface EndedSession {
  server: string;
  sessionId: string;
  durationS: number;
  attributes: Attributes;
}

export interface SessionClockOptions {
  server(name: string): ServerInfo | undefined;
  protocolVersion(server: string, sessionId: string): string | null;
  /** The request an initialize answer pairs with, for the session's start. */
  message(id: number): MessageRecord | null;
  onEnded(session: EndedSession): void;
}

interface OpenSession {
  server: string;
  sessionId: string;
  startMs: number;
  lastMs: number;
}

const key = (server: string, sessionId: string): string => `${server}\u0000${sessionId}`;

export class SessionClock {
  private readonly open = new Map<string, OpenSession>();
  /** Bridge channels and DELETEs not settled yet, by exchange id. */
  private readonly watched = new Map<number, ExchangeMark>();

  constructor(private readonly options: SessionClockOptions) {}

  /** Each recorded message, in id order. */
  message(row: MessageRecord): void {
    if (row.sessionId === null) return;
    const k = key(row.server, row.sessionId);
    let session = this.open.get(k);
    if (!session) {
      let startMs = row.timestamp;
      if (row.method === 'initialize' && row.pairedId !== null && row.kind !== 'request') {
        startMs = this.options.message(row.pairedId)?.timestamp ?? row.timestamp - (row.durationMs ?? 0);
      }
      session = { server: row.server, sessionId: row.sessionId, startMs, lastMs: row.timestamp };
      this.open.set(k, session);
      if (this.open.size > MAX_SESSIONS) this.forgetOldest();
    }
    session.lastMs = Math.max(session.lastMs, row.timestamp);
    // Re-insert: the map's order is then least recently active first.
    this.open.delete(k);
    this.open.set(k, session);
    if (row.direction === 'server_to_client' && row.httpStatus === 404) this.end(row.server, row.sessionId, row.timestamp, ERROR_SESSION_GONE);
  }

  /** New exchanges that may end a session, and the current state of those watched. */
  exchanges(marks: ExchangeMark[], now: number): void {
    for (const mark of marks) this.watched.set(mark.id, mark);
    for (const [id, mark] of this.watched) {
      const channel = (CHANNEL_METHODS as readonly string[]).includes(mark.method);
      if (channel) {
        if (mark.doneAt === null) continue;
        if (mark.sessionId !== null) this.end(mark.server, mark.sessionId, mark.doneAt, mark.error === null ? undefined : ERROR_UPSTREAM_EXITED);
      } else if (mark.status === null) {
        if (now - mark.receivedAt < PENDING_DELETE_MS) continue;
      } else if (mark.status < 300 && mark.sessionId !== null) {
        this.end(mark.server, mark.sessionId, mark.doneAt ?? mark.receivedAt);
      }
      this.watched.delete(id);
    }
  }

  /** Exchange ids whose end is still awaited: re-read on the next round. */
  watchedIds(): number[] {
    return [...this.watched.keys()];
  }

  /** Every session still open ends now: the gateway is shutting down (or export is being turned off). */
  endAll(now: number): void {
    for (const session of [...this.open.values()]) this.end(session.server, session.sessionId, Math.max(now, session.lastMs));
  }

  get size(): number {
    return this.open.size;
  }

  private end(server: string, sessionId: string, atMs: number, errorType?: string): void {
    const k = key(server, sessionId);
    const session = this.open.get(k);
    if (!session) return;
    this.open.delete(k);
    const attributes: Attributes = { [ATTR_GATEWAY_SERVER]: server, ...serverAttributes(this.options.server(server)) };
    const protocol = this.options.protocolVersion(server, sessionId);
    if (protocol) attributes[ATTR_MCP_PROTOCOL_VERSION] = protocol;
    if (errorType) attributes[ATTR_ERROR_TYPE] = errorType;
    this.options.onEnded({ server, sessionId, durationS: Math.max(0, atMs - session.startMs) / 1000, attributes });
  }

  private forgetOldest(): void {
    const oldest = this.open.keys().next();
    if (!oldest.done) this.open.delete(oldest.value);
  }
}
