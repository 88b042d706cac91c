// Public types of the gateway: what the store holds and what the API and the
// export return. The UI and the CLI import this module type-only; it must
// never import runtime code.

export type Direction = 'client_to_server' | 'server_to_client';

/** `error` is a JSON-RPC error response; tool failures (`isError: true`) stay `response`. */
export type MessageKind = 'request' | 'response' | 'notification' | 'error' | 'invalid';

/** How a message travelled, so the UI can tell a POST reply from a GET stream event. */
export type StreamKind =
  | 'http-body' // request body of a POST, or a JSON response body
  | 'post-sse' // event on the text/event-stream answer to a POST
  | 'get-sse' // event on the standalone GET stream
  | 'gateway' // synthesized by the gateway (upstream unreachable, aborted, ...)
  | 'stdio'
  | 'legacy-sse';

export type JsonRpcId = string | number;

export interface MessageRecord {
  id: number;
  /** Unix epoch milliseconds when the gateway saw the message. */
  timestamp: number;
  server: string;
  sessionId: string | null;
  direction: Direction;
  kind: MessageKind;
  /** For responses and errors: the method of the request they answer. */
  method: string | null;
  /** Keeps the JSON type: `1` and `"1"` are different ids. */
  jsonrpcId: JsonRpcId | null;
  /** Row id of the partner: the response for a request, the request for a response. */
  pairedId: number | null;
  /**
   * Row id of the request this message belongs to without answering it:
   * progress and cancellation notifications, a retry of an input_required
   * request (the first request of the conversation), a gateway `aborted` event.
   */
  relatedId: number | null;
  /** On responses and errors: time since the paired request, in ms (sub-ms precision). */
  durationMs: number | null;
  httpStatus: number | null;
  exchangeId: number | null;
  stream: StreamKind | null;
  sseEventId: string | null;
  /** Byte length of the message as it crossed the gateway. */
  size: number;
  /** The message text as stored: redacted, and cut to the store's cap when `truncated`. */
  body: string;
  truncated: boolean;
  /** JSON-RPC error or a result with `isError: true`. */
  isError: boolean;
  /** Rule ids of the redactions applied to the stored copy, empty when none. */
  redactions: string[];
  /** `client`: it crossed the proxy; `replay`: the gateway sent it (or got it) replaying a recorded request. */
  origin: MessageOrigin;
  /** On a replayed request: the id of the recorded request it re-sends; null elsewhere. */
  replayOf: number | null;
  /**
   * The fault rule whose effect this row records (what the client or the upstream was given
   * instead of, or besides, what was sent: a made-up answer, a rewritten message, a `gateway/fault`
   * note of a delay, drop, cut or hold); null for traffic no rule touched.
   */
  injected: string | null;
}

export type MessageOrigin = 'client' | 'replay';

export interface ExchangeRecord {
  id: number;
  server: string;
  sessionId: string | null;
  method: string; // HTTP method
  path: string;
  status: number | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  /** Epoch ms with sub-ms precision. */
  receivedAt: number;
  upstreamFirstByteAt: number | null;
  doneAt: number | null;
  /** Why the exchange failed, when it did (upstream unreachable, aborted by the client, ...). */
  error: string | null;
}

/** One line a stdio server wrote to stderr (redacted). */
export interface StderrLine {
  id: number;
  timestamp: number;
  server: string;
  sessionId: string | null;
  line: string;
}

/** One line of `mcp-gateway logs export --format jsonl`. */
export interface ExportLine {
  id: number;
  timestamp: string; // ISO 8601
  server: string;
  sessionId: string | null;
  direction: Direction;
  kind: MessageKind;
  method: string | null;
  jsonrpcId: JsonRpcId | null;
  pairedId: number | null;
  /** The request a progress or cancellation message belongs to (see MessageRecord.relatedId). */
  relatedId: number | null;
  durationMs: number | null;
  httpStatus: number | null;
  /** The JSON-RPC message as an object, or the raw text for `invalid` and truncated messages. */
  message: unknown;
  truncated?: boolean;
  size: number;
  /** See MessageRecord.origin; absent in exports of builds before replay (read as `client`). */
  origin?: MessageOrigin;
  replayOf?: number | null;
  /** See MessageRecord.injected; absent in exports of builds before fault rules. */
  injected?: string | null;
}

export type ServerTransport = 'http' | 'sse' | 'stdio';

/** A registry entry as the API and the CLI show it: secrets masked. */
export interface ServerView {
  name: string;
  type: ServerTransport;
  url?: string;
  headers?: Record<string, string>;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  proxyUrl: string;
}

export interface GatewayHealth {
  status: 'ok' | 'degraded';
  version: string;
  storage: { ok: boolean; error: string | null; pendingWrites: number; droppedWrites: number };
  otel: OtelHealth;
  /** The fault rules acting on traffic now (empty when none: the usual case). */
  faults: FaultView[];
  /** The gateway process itself, to watch its steady state (absent only where the API runs without a gateway). */
  process?: ProcessHealth;
}

/** `process` of /api/health. */
export interface ProcessHealth {
  rssBytes: number;
  heapUsedBytes: number;
  /** 99th percentile of the event loop's delay over the last few seconds. */
  eventLoopDelayP99Ms: number;
  /** Open file descriptors (Linux /proc/self/fd); null where the system does not say. */
  openFds: number | null;
  /** stdio server processes running now. */
  children: number;
}

// ---- fault rules (`"faults"` in mcp.json, /api/faults; see faults/) ----

/** One RFC 6902 operation (`path` and `from` are JSON Pointers). */
export type JsonPatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move'; from: string; path: string }
  | { op: 'copy'; from: string; path: string };

export type FaultAction =
  | { type: 'delay'; ms: number; jitterMs?: number | undefined; on?: 'request' | 'response' | undefined }
  | { type: 'error'; code?: number | undefined; message?: string | undefined }
  | { type: 'toolError'; text?: string | undefined }
  | { type: 'hang' }
  | { type: 'http'; status: number; headers?: Record<string, string> | undefined; body?: string | undefined }
  | { type: 'cut'; afterEvents?: number | undefined }
  | { type: 'reset' }
  | { type: 'drop' }
  | { type: 'rewrite'; patch: JsonPatchOperation[] }
  | { type: 'pause'; timeoutMs?: number | undefined; onlyNext?: boolean | undefined };

export interface FaultMatch {
  /** Exact ("tools/call") or a prefix ("tools/*"); for answers, the method of the request they answer. */
  method?: string | undefined;
  /** The tool of a tools/call (and of its answer). */
  tool?: string | undefined;
  /** Default: requests for delay, error, toolError, hang, http and pause; answers for rewrite, cut, drop and reset. */
  direction?: Direction | undefined;
  session?: string | undefined;
}

/** A rule as mcp.json keeps it. */
export interface FaultRule {
  id: string;
  /** A server name, or "*" for every server. */
  server: string;
  match?: FaultMatch | undefined;
  action: FaultAction;
  /** Fires this many times, then no more (counted since the gateway started: counters are not persisted). */
  times?: number | undefined;
  /** Fires for this share of the matching messages (0 < p <= 1). */
  probability?: number | undefined;
  /** Accepted when adding; kept as expiresAt. */
  ttlSeconds?: number | undefined;
  expiresAt?: string | undefined;
}

/** A rule as the API lists it. */
export interface FaultView extends Omit<FaultRule, 'expiresAt' | 'ttlSeconds'> {
  /** When it stops firing (ISO 8601); null: never. */
  expiresAt: string | null;
  /** How often it fired since the gateway started. */
  fired: number;
  /** Not expired, and not used up (`times`, `onlyNext`). */
  active: boolean;
}

export interface FaultList {
  faults: FaultView[];
}

/** A message held by a `pause` rule until someone continues or aborts it (or it times out). */
export interface BreakpointView {
  id: string;
  ruleId: string;
  server: string;
  session: string | null;
  direction: Direction;
  /** The held JSON-RPC message (as sent: not redacted; the API needs the token). */
  message: unknown;
  heldAt: string;
  /** When it continues unchanged by itself. */
  timeoutAt: string;
}

export interface BreakpointList {
  breakpoints: BreakpointView[];
}

/** OpenTelemetry export (`"otel"` in mcp.json, OTEL_* variables): spans sent, dropped (queue full) and failed (refused or unreachable collector) since start. */
export interface OtelHealth {
  enabled: boolean;
  exported: number;
  dropped: number;
  failed: number;
  /** Why the last export failed, or why export is off when a setting cannot work; null when neither. */
  lastError: string | null;
}

/** Error body of every `/api` failure. */
export interface ApiError {
  error: { code: string; message: string };
}

// ---- REST API shapes (GET /api/openapi.json describes them too) ----

/** The partner of a listed message: its answer for a request, its request for an answer. */
export interface PairSummary {
  id: number;
  kind: MessageKind;
  method: string | null;
  /** Request-to-answer time, the same on both sides of the pair; null while unanswered. */
  durationMs: number | null;
  isError: boolean;
}

/** One item of `GET /api/messages`: the record, its body cut to `maxBody` characters, and its pair. */
export interface MessageListItem extends MessageRecord {
  /** The body in this list is cut to `maxBody` characters; `GET /api/messages/:id` has it whole. */
  bodyClipped: boolean;
  pair: PairSummary | null;
}

export interface MessagePage {
  messages: MessageListItem[];
  /** More rows exist past the last one in this page's order. */
  hasMore: boolean;
  /** Query parameters for the next page (keep the filters, replace the cursor), or null. */
  next: { before: number } | { after: number } | null;
}

/** `GET /api/messages/:id`. */
export interface MessageDetail {
  message: MessageRecord;
  pair: MessageRecord | null;
  /** The HTTP exchange that carried the message; headers as stored (credentials masked). */
  exchange: ExchangeRecord | null;
  /** For a request: progress notifications, cancellations and other messages tied to it, oldest first. */
  related: MessageRecord[];
}

/** A recorded MCP session of one server (`GET /api/sessions`). */
export interface SessionRecord {
  server: string;
  sessionId: string;
  /** From the initialize request's clientInfo. */
  clientName: string | null;
  clientVersion: string | null;
  /** The version the initialize result agreed on, else the one the client asked for. */
  protocolVersion: string | null;
  serverName: string | null;
  serverVersion: string | null;
  /** Epoch ms of the session's oldest and newest stored message. */
  firstSeen: number;
  lastSeen: number;
  firstId: number;
  lastId: number;
  messageCount: number;
  errorCount: number;
}

export interface SessionPage {
  sessions: SessionRecord[];
  hasMore: boolean;
  next: { before: number } | null;
}

/** One row of `GET /api/stats`: one server and method. Durations are of answers, in ms. */
export interface StatsRow {
  server: string;
  method: string | null;
  count: number;
  errorCount: number;
  bytes: number;
  /** How many answers had a duration (the percentiles are over these). */
  timedCount: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface StatsResponse {
  since: string | null;
  until: string | null;
  rows: StatsRow[];
}

/** `GET /api/servers/:name/health`. */
export interface ServerHealth {
  server: string;
  type: ServerTransport;
  /** `up`: the upstream answered HTTP (any status); `down`: connection error or no answer in 5 s; stdio: process state. */
  status: 'up' | 'down' | 'not-running' | 'running';
  /** Round trip of the check in ms; null for stdio. */
  latencyMs: number | null;
  /** HTTP status the upstream answered the check with. */
  httpStatus: number | null;
  /** Why the last check failed, or null. */
  lastError: string | null;
  /** ISO time of the check this result comes from (results are reused for 30 s). */
  checkedAt: string;
}

/** Payload of a `health` event on `GET /api/events`. */
export type HealthEvent =
  | { scope: 'storage'; health: GatewayHealth }
  | { scope: 'server'; health: ServerHealth };

/** Payload of a `clear` event: what `DELETE /api/messages` removed. */
export interface ClearEvent {
  /** The server whose messages were removed; null for every server. */
  server: string | null;
  /** Messages (of `server`) with ids below this were removed; newer ones were kept. */
  before: number;
  removed: number;
}

export interface ClearResult extends ClearEvent {
  /** Pages given back to the file system by incremental vacuum. */
  freedPages: number;
}

export interface ImportResult {
  imported: number;
  firstId: number | null;
  lastId: number | null;
}

// ---- Replay and verify (POST /api/messages/:id/replay, POST /api/sessions/:id/verify) ----

/** `fresh`: a new upstream session (initialize with the recorded client's params, the request, DELETE); `live`: the original session. */
export type ReplaySessionMode = 'fresh' | 'live';

/** One difference between the recorded answer and the replayed one, ignoring the JSON-RPC id and every `_meta`. */
export interface DiffEntry {
  /** JSON path of the value, `$.result.content[0].text`. */
  path: string;
  change: 'changed' | 'added' | 'removed';
  /** The recorded value; null when `added`. */
  before: unknown;
  /** The replayed value; null when `removed`. */
  after: unknown;
}

/** Answer of `POST /api/messages/:id/replay`. */
export interface ReplayResult {
  /** The replayed request as recorded: `origin: "replay"`, `replayOf` the original. */
  request: MessageRecord;
  /** Its recorded answer; null when none came. */
  response: MessageRecord | null;
  durationMs: number | null;
  originalDurationMs: number | null;
  diff: DiffEntry[];
  /** The session the replay ran in (null for the 2026-07-28 era, which has no sessions). */
  session: string | null;
  /** Server-to-client requests (sampling, elicitation, roots) that arrived during the replay and were refused. */
  refusedServerRequests: MessageRecord[];
}

export type VerifyStatus = 'same' | 'changed' | 'error' | 'skipped';

export interface VerifyItem {
  /** The recorded request. */
  requestId: number;
  method: string;
  /** Tool, prompt or resource the request names; null for list methods and ping. */
  target: string | null;
  status: VerifyStatus;
  diff: DiffEntry[];
  durationMs: number | null;
  originalDurationMs: number | null;
  /** The replayed request's id, when it was sent. */
  replayId: number | null;
  /** Why it was skipped or failed. */
  reason?: string;
}

/** Answer of `POST /api/sessions/:id/verify` and of `mcp-gateway verify --json`. */
export interface VerifyReport {
  session: string;
  /** The fresh session the requests were re-run in. */
  replaySession: string | null;
  results: VerifyItem[];
  same: number;
  changed: number;
  errors: number;
  skipped: number;
}

// ---- Drift and poisoning alerts (alerts/, definitions/) ----

export type AlertKind = 'drift' | 'poisoning';
export type AlertSeverity = 'info' | 'warning' | 'high';

/**
 * Something a server announced or answered that an agent should not trust
 * blindly: a definition that changed since its baseline (drift), or text that
 * tries to steer the agent (poisoning). One alert per server, rule and
 * content; a later sighting updates `lastSeen`, `seen`, `session` and `messageId`.
 */
export interface Alert {
  id: number;
  kind: AlertKind;
  /** The rule's id (`GET /api/alerts/rules` explains each). */
  rule: string;
  severity: AlertSeverity;
  server: string;
  /** Session and message of the latest sighting (for bait and switch: the later session's list answer). */
  session: string | null;
  messageId: number | null;
  /** JSON path of the field in that message, e.g. `$.result.tools[2].description`. */
  path: string | null;
  /** The text that matched, with its offsets in UTF-16 code units into that field's string. */
  match: { text: string; start: number; end: number } | null;
  /** Hidden text made visible (tag characters, variation-selector bytes), else null. */
  decoded: string | null;
  /** For drift: the value in the baseline (or the earlier list) and the value now. */
  before: string | null;
  after: string | null;
  /** Epoch ms. */
  firstSeen: number;
  lastSeen: number;
  /** How many messages it was seen in. */
  seen: number;
}

/** `GET /api/alerts`. */
export interface AlertList {
  alerts: Alert[];
}

/** What a rule looks for, why it matters and what to do (`GET /api/alerts/rules`). */
export interface AlertRuleInfo {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  rationale: string;
  advice: string;
}

/** Which list a definition set is: the initialize answer, or one of the four lists. */
export type DefinitionKind = 'initialize' | 'tools' | 'prompts' | 'resources' | 'resourceTemplates';

/** A server's baseline for one kind of list. */
export interface DefinitionBaseline {
  kind: DefinitionKind;
  hash: string;
  /** Epoch ms. */
  acceptedAt: number;
  /** `first-use`: the first complete list; `api`/`cli`: accepted by someone. */
  source: 'first-use' | 'api' | 'cli';
  session: string | null;
  messageId: number | null;
  count: number;
}

/** One distinct version of a server's list, as sessions saw it. */
export interface DefinitionVersion {
  kind: DefinitionKind;
  hash: string;
  /** Entries in the list. */
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Complete lists with this content, and the answers that completed the first and the last of them. */
  sessions: number;
  firstMessageId: number;
  lastMessageId: number;
  /** `name version` of the clients that were given it. */
  clients: string[];
}

/** `GET /api/servers/:name/definitions`: the history of a server's definitions, oldest first. */
export interface DefinitionHistory {
  server: string;
  baselines: DefinitionBaseline[];
  versions: DefinitionVersion[];
}

/** One entry of a list in canonical form: spec defaults applied, keys sorted; `hash` is the SHA-256 of its canonical JSON. */
export interface DefinitionEntry {
  /** What identifies it in its list: a tool or prompt name, a resource URI, a template's URI template, `server` for initialize. */
  key: string;
  hash: string;
  definition: Record<string, unknown>;
}

/** `GET /api/definitions/:hash`. */
export interface DefinitionSet {
  hash: string;
  kind: DefinitionKind;
  entries: DefinitionEntry[];
}

/** `POST /api/servers/:name/baseline`. */
export interface BaselineResult {
  server: string;
  baselines: DefinitionBaseline[];
}

/** `GET /api/alerts/marks`: messages with alerts, for the badge on their rows. */
export interface AlertMarks {
  marks: Array<{ messageId: number; severity: AlertSeverity; alerts: number }>;
}
