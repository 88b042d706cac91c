import type Database from 'better-sqlite3';
import type { HomePaths } from '../home/home.js';
import type { Feed } from '../publish/feed.js';
import type { LiveRegistry } from '../registry/registry.js';
import type { AuditLog } from '../store/audit-log.js';
import type { MessageQueries } from '../store/message-queries.js';
import type { Writer } from '../store/writer.js';
import type { OtelHealth, ProcessHealth } from '../types.js';
import type { UpstreamHealth } from './upstream-health.js';
import type { Replayer } from '../replay/replayer.js';
import type { ServerEntry } from '../registry/schema.js';
import type { FaultRules } from '../faults/rules.js';

export interface ApiDeps {
  registry: LiveRegistry;
  writer: Writer;
  /** Where the API records clears, exports, imports and which server changes were its own. */
  audit: AuditLog;
  sqlite: Database.Database;
  paths: HomePaths;
  version: string;
  /** Base URL clients use to reach the gateway, for proxy URLs. */
  baseUrl: () => string;
  log: (message: string) => void;
  /** Replaces the token (POST /api/token/rotate); throws when it cannot be changed. */
  rotateToken?: () => string;
  /** Replay, compose and verify; without it those endpoints answer 503. */
  replayer?: Replayer;
  /** Whether a stdio server has a process running; without it, stdio health reports not-running. */
  processState?: (server: string) => 'running' | 'not-running';
  /** OpenTelemetry export counts for /api/health; without it, export shows as off. */
  otelHealth?: () => OtelHealth;
  /** The gateway process's memory, event-loop delay, descriptors and children for /api/health; without it, health has no `process`. */
  processHealth?: () => ProcessHealth;
  /** The drift and poisoning analyzer (alerts/): alert and baseline endpoints wait for it to catch up; without it they read what is stored. */
  alerts?: { settled(): Promise<void>; baselinesChanged(server: string): void; rowsInserted(firstId: number, lastId: number): void };
  /** Fault rules and breakpoints (/api/faults, /api/breakpoints); without them those answer 503 and health lists none. */
  faults?: FaultRules;
  /** The demo server's entry (its command runs `mcp-gateway demo-server`), for POST /api/demo; without it that answers 503. */
  demo?: { entry: ServerEntry };
  /** Tuning, for tests: events one stream may buffer, keep-alive interval, upstream health timings. */
  tuning?: { eventBuffer?: number; keepAliveMs?: number; healthTimeoutMs?: number; healthMaxAgeMs?: number };
}

/** What the route modules share. */
export interface ApiContext {
  deps: ApiDeps;
  queries: MessageQueries;
  feed: Feed;
  health: UpstreamHealth;
}

export const ERROR_RESPONSES = {
  400: { description: 'A parameter or the body is invalid; the message names it' },
  404: { description: 'Nothing by that name or id' },
} as const;
