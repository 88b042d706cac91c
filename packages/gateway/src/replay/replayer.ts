import type { LiveRegistry } from '../registry/registry.js';
import type { ReplayMarker } from '../proxy/replay-mark.js';
import type { ExportLine, MessageRecord, ReplayResult, ReplaySessionMode, VerifyItem, VerifyReport } from '../types.js';
import { catalogOf, toolSafety, type Catalog, type ListAnswers } from './catalog.js';
import { bodyValue, diffAnswers } from './diff.js';
import { ReplayError } from './errors.js';
import { parsePathPattern, PathPatternError, REPLAYABLE_METHODS, requestTarget, type PathPattern } from '../replay-shared/index.js';
import { isModernEra, objectOf, RecordedExport, RecordedStore, type RecordedRequest, type RecordedSessionInfo } from './recorded.js';
import { redactedPaths } from './redacted.js';
import { runSession, type SessionPlan, type SessionRun, type Step, type StepOutcome } from './session.js';
import type { MessageQueries } from '../store/message-queries.js';

export interface ReplayerOptions {
  queries: MessageQueries;
  /** Waits until everything recorded so far is in the store. */
  flush: () => Promise<void>;
  registry: LiveRegistry;
  /** The gateway's own base URL: replays go through its proxy route like any client. */
  baseUrl: () => string;
  marker: ReplayMarker;
  /** The gateway token, for servers with `requireToken`. */
  token: () => string;
  version: string;
  /** A replayed request with no answer by then is abandoned (default 60 s). */
  timeoutMs?: number;
  /** How long to wait for the recorder to store a replay's rows (default 5 s). */
  settleMs?: number;
}

export interface ReplayRequestOptions {
  params?: unknown;
  session?: ReplaySessionMode;
  confirm?: boolean;
}

export interface VerifySource {
  sessionId: string;
  /** The server the session was recorded on, when the id alone is ambiguous. */
  server?: string;
  /** An export's lines instead of the store (`verify --from`). */
  lines?: readonly ExportLine[];
  /** Run against this registered server instead of the recorded one. */
  against?: string;
}

/** Where a verify reads the recorded session from: the store or an export. */
interface SessionSource {
  sessionRequests(server: string, sessionId: string): RecordedRequest[];
  sessionInfo(server: string, sessionId: string): RecordedSessionInfo;
  listAnswers(server: string, method: string): unknown[];
}

/**
 * Replay, edit-and-resend, compose and verify. A client of the proxy: every
 * request goes to this gateway's own `/s/<name>/mcp`, marked as a replay, so it
 * reaches the server the way the original did and is recorded like any
 * traffic; then the recorded rows are read back and compared.
 */
export class Replayer {
  private readonly store: RecordedStore;

  constructor(private readonly options: ReplayerOptions) {
    this.store = new RecordedStore(options.queries);
  }

  catalog(server: string): Catalog {
    this.serverOf(server);
    return catalogOf((method) => this.store.listAnswers(server, method));
  }

  /** `POST /api/messages/:id/replay`. Checks in the contract's order: replayable, redacted, confirmed; then sends. */
  async replay(id: number, options: ReplayRequestOptions = {}): Promise<ReplayResult> {
    const record = this.store.message(id);
    if (!record) throw new ReplayError('not_found', `No message with id ${id}`);
    if (record.direction !== 'client_to_server' || record.kind !== 'request') {
      throw new ReplayError('not_replayable', `Message ${id} is a ${record.direction === 'server_to_client' ? 'server-to-client ' : ''}${record.kind}${record.method ? ` (${record.method})` : ''}; only client requests can be replayed`, { method: record.method });
    }
    const request = this.store.request(record);
    notReplayable(request.method);
    const params = this.paramsToSend(request, options.params);
    this.requireConfirmation(request.server, request.method, params, options.confirm === true, (m) => this.store.listAnswers(request.server, m));
    this.serverOf(request.server);
    const modern = isModernEra(request);
    const mode = options.session ?? 'fresh';
    const plan: SessionPlan = {
      server: request.server,
      mode,
      modern,
      sessionId: request.sessionId,
      protocolVersion: request.protocolVersion ?? null,
      initializeParams: mode === 'fresh' && !modern ? this.initializeParams(this.store.sessionInfo(request.server, request.sessionId)) : null,
    };
    const run = await this.run(plan, [{ replayOf: request.id, method: request.method, params }]);
    return this.result(request.server, run, run.outcomes[0] as StepOutcome, request.answer, request.originalDurationMs);
  }

  /** `POST /api/servers/:name/requests`: a request written by hand, sent in a fresh session. */
  async compose(server: string, method: string, params: unknown, confirm: boolean): Promise<ReplayResult> {
    this.serverOf(server);
    notReplayable(method);
    if (params !== undefined && objectOf(params) === null) throw new ReplayError('invalid_params', 'params must be a JSON object');
    const paths = redactedPaths(params);
    if (paths.length > 0) throw redacted(paths);
    this.requireConfirmation(server, method, params, confirm, (m) => this.store.listAnswers(server, m));
    const plan: SessionPlan = { server, mode: 'fresh', modern: false, sessionId: null, protocolVersion: null, initializeParams: null };
    const run = await this.run(plan, [{ replayOf: null, method, params }]);
    const result = await this.result(server, run, run.outcomes[0] as StepOutcome, null, null);
    return { ...result, diff: [] };
  }

  /** `POST /api/sessions/:id/verify`: every replayable request of a recorded session, in order, in one fresh session. */
  async verify(source: VerifySource, options: { confirm?: boolean; ignorePaths?: readonly string[] } = {}): Promise<VerifyReport> {
    const ignore = parseIgnorePaths(options.ignorePaths ?? []);
    const from: SessionSource = source.lines ? new RecordedExport(source.lines) : this.storeSource();
    const recordedServer = this.recordedServer(source);
    const target = source.against ?? recordedServer;
    this.serverOf(target);
    const requests = from.sessionRequests(recordedServer, source.sessionId).filter((r) => REPLAYABLE_METHODS.has(r.method));
    const listAnswers: ListAnswers = (method) => {
      const recorded = from.listAnswers(recordedServer, method);
      return recorded.length > 0 ? recorded : this.store.listAnswers(target, method);
    };
    const items = new Map<number, VerifyItem>();
    const steps: Step[] = [];
    for (const request of requests) {
      const item: VerifyItem = {
        requestId: request.id,
        method: request.method,
        target: requestTarget(request.method, request.params),
        status: 'same',
        diff: [],
        durationMs: null,
        originalDurationMs: request.originalDurationMs,
        replayId: null,
      };
      items.set(request.id, item);
      try {
        const params = this.paramsToSend(request, undefined);
        this.requireConfirmation(target, request.method, params, options.confirm === true, listAnswers);
        steps.push({ replayOf: request.id, method: request.method, params });
      } catch (error) {
        if (!(error instanceof ReplayError)) throw error;
        item.status = error.code === 'confirmation_required' ? 'skipped' : 'error';
        item.reason = error.message;
      }
    }
    const first = requests[0];
    const modern = first !== undefined && isModernEra(first);
    const plan: SessionPlan = {
      server: target,
      mode: 'fresh',
      modern,
      sessionId: null,
      protocolVersion: null,
      initializeParams: modern ? null : this.initializeParams(from.sessionInfo(recordedServer, source.sessionId)),
    };
    const run = steps.length > 0 ? await this.run(plan, steps) : { sessionId: null, outcomes: [] };
    for (const outcome of run.outcomes) {
      const request = requests.find((r) => r.id === outcome.step.replayOf) as RecordedRequest;
      const item = items.get(request.id) as VerifyItem;
      const result = await this.result(target, run, outcome, request.answer, request.originalDurationMs, ignore);
      item.replayId = result.request.id;
      item.durationMs = result.durationMs;
      item.diff = result.diff;
      if (outcome.failure !== null || result.response === null) {
        item.status = 'error';
        item.reason = outcome.failure ?? 'no answer was recorded';
      } else item.status = result.diff.length === 0 ? 'same' : 'changed';
    }
    for (const step of steps) {
      const item = items.get(step.replayOf as number) as VerifyItem;
      if (item.replayId === null && item.status === 'same') {
        item.status = 'error';
        item.reason = 'not sent: an earlier request of the run failed to reach the server';
      }
    }
    const results = [...items.values()];
    const count = (status: VerifyItem['status']): number => results.filter((r) => r.status === status).length;
    return { session: source.sessionId, replaySession: run.sessionId, results, same: count('same'), changed: count('changed'), errors: count('error'), skipped: count('skipped') };
  }

  private storeSource(): SessionSource {
    return {
      sessionRequests: (server, sessionId) => this.store.sessionRequests(server, sessionId),
      sessionInfo: (server, sessionId) => this.store.sessionInfo(server, sessionId),
      listAnswers: (server, method) => this.store.listAnswers(server, method),
    };
  }

  private recordedServer(source: VerifySource): string {
    const found = source.lines
      ? new RecordedExport(source.lines).sessions().filter((s) => s.sessionId === source.sessionId).map((s) => s.server)
      : this.sessionServers(source.sessionId);
    const servers = source.server === undefined ? found : found.filter((s) => s === source.server);
    const where = source.lines ? 'in the export' : 'recorded';
    if (servers.length === 0) throw new ReplayError('not_found', `No session ${JSON.stringify(source.sessionId)} ${where}${source.server ? ` on server "${source.server}"` : ''}`);
    if (servers.length > 1) throw new ReplayError('not_found', `Session ${JSON.stringify(source.sessionId)} exists on servers ${servers.join(', ')}; name one with server`);
    return servers[0] as string;
  }

  private sessionServers(sessionId: string): string[] {
    const rows = this.options.queries.cache.get('SELECT server FROM sessions WHERE session_id = ?').all(sessionId) as Array<{ server: string }>;
    return rows.map((row) => row.server);
  }

  private serverOf(name: string): void {
    if (!this.options.registry.get(name)) {
      throw new ReplayError('unknown_server', `Server "${name}" is not registered (any more); add it with: mcp-gateway server add ${name} <url>`);
    }
  }

  /** The params that will be sent: the user's, else the recorded ones; never a stored copy that was cut or masked. */
  private paramsToSend(request: RecordedRequest, supplied: unknown): unknown {
    if (supplied !== undefined) {
      if (objectOf(supplied) === null) throw new ReplayError('invalid_params', 'params must be a JSON object (the request\'s "params")');
    } else if (request.truncated) {
      throw new ReplayError('truncated_params', `The stored copy of message ${request.id} was cut to the store's size cap, so it cannot be sent as it is; supply params`);
    }
    const params = supplied ?? request.params;
    const paths = redactedPaths(params);
    if (paths.length > 0) throw redacted(paths);
    return withModernMeta(params, request);
  }

  private requireConfirmation(server: string, method: string, params: unknown, confirm: boolean, listAnswers: ListAnswers): void {
    if (method !== 'tools/call' || confirm) return;
    const tool = requestTarget(method, params) ?? '';
    const safety = toolSafety(listAnswers, tool);
    if (safety.readOnly) return;
    const why = safety.known ? 'its recorded definition does not mark it readOnlyHint: true' : `no recorded tools/list of "${server}" lists it`;
    throw new ReplayError('confirmation_required', `Tool "${tool}" may change something (${why}); send again with confirm: true to run it`, {
      tool,
      annotations: safety.annotations,
    });
  }

  /** Recorded initialize params, unless they hold a masked value (never sent upstream): then the gateway's identity. */
  private initializeParams(info: RecordedSessionInfo): Record<string, unknown> | null {
    const params = info.initializeParams;
    return params !== null && redactedPaths(params).length === 0 ? params : null;
  }

  private async run(plan: SessionPlan, steps: Step[]): Promise<SessionRun> {
    const server = this.options.registry.get(plan.server);
    return runSession(
      plan,
      steps,
      {
        endpoint: new URL(`/s/${encodeURIComponent(plan.server)}/mcp`, this.options.baseUrl()),
        mark: (replayOf) => this.options.marker.value(replayOf),
        token: server?.entry.requireToken ? this.options.token() : null,
        timeoutMs: this.options.timeoutMs ?? 60_000,
      },
      this.options.version,
    );
  }

  /** Reads the replay's rows back once the recorder has stored them, and compares the answer. */
  private async result(server: string, run: SessionRun, outcome: StepOutcome, before: unknown, originalDurationMs: number | null, ignore: PathPattern[] = []): Promise<ReplayResult> {
    const deadline = Date.now() + (this.options.settleMs ?? 5000);
    let request: MessageRecord | null = null;
    let response: MessageRecord | null = null;
    for (;;) {
      await this.options.flush();
      request = this.store.replayedRequest(server, outcome.jsonrpcId);
      response = request?.pairedId == null ? null : this.store.get(request.pairedId);
      const expectAnswer = outcome.result?.answer != null;
      if ((request !== null && (response !== null || !expectAnswer)) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (request === null) throw new ReplayError('upstream_failed', `The replayed request was not recorded${outcome.failure ? `: ${outcome.failure}` : ''}; see the gateway log`);
    const refusedIds = (outcome.result?.refused ?? []).flatMap((m) => (m.id === undefined || m.id === null ? [] : [m.id]));
    const after = response === null ? null : bodyValue(response.body);
    return {
      request,
      response,
      durationMs: response?.durationMs ?? null,
      originalDurationMs,
      diff: diffAnswers(before, after, { ignore }),
      session: run.sessionId,
      refusedServerRequests: this.store.serverRequestsAfter(server, request.sessionId, request.id, refusedIds),
    };
  }
}

function notReplayable(method: string): void {
  if (!REPLAYABLE_METHODS.has(method)) {
    throw new ReplayError('not_replayable', `${method || 'This message'} cannot be replayed; replayable: ${[...REPLAYABLE_METHODS].join(', ')}`, { method });
  }
}

function redacted(paths: string[]): ReplayError {
  return new ReplayError(
    'redacted_params',
    `The stored params hold values the gateway masked before storing (${paths.join(', ')}); the marker is never sent upstream: supply the real values in params`,
    { paths },
  );
}

function parseIgnorePaths(sources: readonly string[]): PathPattern[] {
  try {
    return sources.map(parsePathPattern);
  } catch (error) {
    if (error instanceof PathPatternError) throw new ReplayError('bad_ignore_path', error.message);
    throw error;
  }
}

/** In the 2026-07-28 era every request carries version, capabilities and client in `_meta`: edited params keep the recorded ones. */
function withModernMeta(params: unknown, request: RecordedRequest): unknown {
  if (!isModernEra(request)) return params;
  const recordedMeta = objectOf(objectOf(request.params)?._meta) ?? {};
  const object = objectOf(params) ?? {};
  const meta = objectOf(object._meta) ?? {};
  const merged = { ...Object.fromEntries(Object.entries(recordedMeta).filter(([key]) => key.startsWith('io.modelcontextprotocol/'))), ...meta };
  return { ...object, _meta: merged };
}
