import { randomUUID } from 'node:crypto';
import { ReplayClient, ReplayTimeoutError, type JsonRpcMessage, type PostResult, type ReplayClientOptions } from './client.js';
import { ReplayError } from './errors.js';
import { requestTarget } from '../replay-shared/index.js';
import { modernVersionOf, objectOf } from './recorded.js';

/** How the requests of one replay reach the server. */
export interface SessionPlan {
  server: string;
  mode: 'fresh' | 'live';
  /** The 2026-07-28 era: no initialize, no session; the version and method travel as headers on every request. */
  modern: boolean;
  /** live: the recorded session to send in. */
  sessionId: string | null;
  /** live: the MCP-Protocol-Version the session agreed on, when recorded. */
  protocolVersion: string | null;
  /** fresh: the recorded client's initialize params; null uses the gateway's own identity. */
  initializeParams: Record<string, unknown> | null;
}

/** One request to send; `replayOf` is the recorded request it re-sends (null for a composed one). */
export interface Step {
  replayOf: number | null;
  method: string;
  params: unknown;
}

/** What became of a step: the JSON-RPC id it was sent with, and the post's outcome or why it failed. */
export interface StepOutcome {
  step: Step;
  jsonrpcId: string;
  result: PostResult | null;
  failure: string | null;
}

export interface SessionRun {
  sessionId: string | null;
  outcomes: StepOutcome[];
}

/** The identity a replay initializes with when the original session's initialize was not recorded. */
function gatewayIdentity(version: string): Record<string, unknown> {
  return { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'mcp-gateway-replay', version } };
}

/**
 * Runs steps in one session: a fresh one (initialize, initialized, the steps,
 * DELETE) or the recorded live one (just the steps). Throws ReplayError when
 * the session cannot be had; a step that fails is an outcome, not a throw.
 */
export async function runSession(plan: SessionPlan, steps: readonly Step[], client: ReplayClientOptions, version: string): Promise<SessionRun> {
  const session = new ReplayClient(client);
  if (plan.mode === 'live' && !plan.modern) {
    if (plan.sessionId === null) throw new ReplayError('session_gone', 'The request was sent outside any session, so there is no live session to send it in; replay it in a fresh session');
    session.sessionId = plan.sessionId;
    session.protocolVersion = plan.protocolVersion;
  } else if (!plan.modern) {
    await initialize(session, plan, version);
  }
  const outcomes: StepOutcome[] = [];
  try {
    for (const step of steps) {
      const jsonrpcId = `mcp-gateway-replay-${randomUUID()}`;
      const headers = plan.modern ? modernHeaders(step) : {};
      if (plan.modern) session.protocolVersion = modernVersionOf(step.params);
      try {
        const result = await session.post({ jsonrpc: '2.0', id: jsonrpcId, method: step.method, ...paramsField(step.params) }, step.replayOf, headers);
        if (plan.mode === 'live' && result.status === 404 && (result.answer === null || result.answer.error?.code === -32001)) {
          throw new ReplayError('session_gone', `Session ${plan.sessionId} no longer exists on "${plan.server}" (it was deleted or expired); replay in a fresh session instead`);
        }
        if (result.answer === null && (result.status === 401 || result.status === 403)) throw unauthorized(plan.server, result, step.method);
        outcomes.push({ step, jsonrpcId, result, failure: result.answer === null ? noAnswer(result) : null });
      } catch (error) {
        if (error instanceof ReplayError) throw error;
        outcomes.push({ step, jsonrpcId, result: null, failure: (error as Error).message });
        if (!(error instanceof ReplayTimeoutError)) break;
      }
    }
  } finally {
    if (plan.mode === 'fresh') await session.close();
  }
  return { sessionId: session.sessionId, outcomes };
}

async function initialize(session: ReplayClient, plan: SessionPlan, version: string): Promise<void> {
  const params = plan.initializeParams ?? gatewayIdentity(version);
  let result: PostResult;
  try {
    result = await session.post({ jsonrpc: '2.0', id: `mcp-gateway-replay-init-${randomUUID()}`, method: 'initialize', params }, null);
  } catch (error) {
    throw new ReplayError('upstream_failed', `Could not open a session with "${plan.server}": ${(error as Error).message}`);
  }
  const answer = result.answer;
  if (answer === null) {
    if (result.status === 401 || result.status === 403) throw unauthorized(plan.server, result, 'initialize');
    throw new ReplayError('upstream_failed', `"${plan.server}" gave no answer to the replay's initialize: ${noAnswer(result)}`);
  }
  if (answer.error) throw new ReplayError('upstream_failed', `"${plan.server}" refused the replay's initialize: ${answer.error.message ?? JSON.stringify(answer.error)}`);
  const agreed = objectOf(answer.result)?.protocolVersion;
  session.protocolVersion = typeof agreed === 'string' ? agreed : typeof params.protocolVersion === 'string' ? params.protocolVersion : null;
  await session.post({ jsonrpc: '2.0', method: 'notifications/initialized' }, null);
}

/** The 2026-07-28 era's routing headers, derived from the body as a client must. */
function modernHeaders(step: Step): Record<string, string> {
  const headers: Record<string, string> = { 'mcp-method': step.method };
  const version = modernVersionOf(step.params);
  if (version !== null) headers['mcp-protocol-version'] = version;
  const name = requestTarget(step.method, step.params);
  if (name !== null && step.method !== 'completion/complete') headers['mcp-name'] = headerSafe(name);
  return headers;
}

/** Header values must be visible ASCII; anything else goes in the spec's base64 sentinel. */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) && value.trim() === value ? value : `=?base64?${Buffer.from(value).toString('base64')}?=`;
}

function paramsField(params: unknown): { params?: unknown } {
  return params === undefined ? {} : { params };
}

function noAnswer(result: PostResult): string {
  return `HTTP ${result.status} with no JSON-RPC answer${result.text ? `: ${result.text.slice(0, 300)}` : ''}`;
}

function unauthorized(server: string, result: PostResult, what: string): ReplayError {
  return new ReplayError(
    'upstream_unauthorized',
    `"${server}" answered HTTP ${result.status} to the replay's ${what}. A replay sends only the credentials configured in mcp.json for this server; ` +
      `what the original client sent in Authorization is never stored. Add them, e.g.: mcp-gateway server add ${server} <url> --header "Authorization: Bearer <token>"`,
    { status: result.status },
  );
}

export type { JsonRpcMessage };
