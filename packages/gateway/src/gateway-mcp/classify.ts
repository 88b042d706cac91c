import { Validator, type Schema } from '@cfworker/json-schema';
import type { ExchangeRecord, MessageRecord } from '../types.js';

export type ErrorCategory = 'transport' | 'protocol' | 'tool';

/** What explain_error knows of one failure. */
export interface FailureFacts {
  request: MessageRecord | null;
  answer: MessageRecord | null;
  /** The exchange that carried the answer (else the request). */
  exchange: ExchangeRecord | null;
  /** stderr lines of the stdio session, oldest first. */
  stderr: string[];
  /** The tool's recorded inputSchema, for a tools/call. */
  inputSchema: Record<string, unknown> | null;
}

export interface Classification {
  category: ErrorCategory;
  summary: string;
  nextSteps: string[];
  /** The JSON-RPC error code, when there was one (also one found in an isError result's text). */
  code: number | null;
  /** Each argument that does not fit the tool's recorded inputSchema, for an invalid-params failure. */
  schemaProblems: Array<{ path: string; message: string }>;
}

interface Parsed {
  method: string | null;
  params: Record<string, unknown> | null;
  error: { code: number | null; message: string } | null;
  resultText: string | null;
}

function parse(body: string | undefined): Parsed {
  const out: Parsed = { method: null, params: null, error: null, resultText: null };
  if (body === undefined) return out;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return out;
  }
  const m = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof m.method === 'string') out.method = m.method;
  if (typeof m.params === 'object' && m.params !== null) out.params = m.params as Record<string, unknown>;
  const error = m.error as { code?: unknown; message?: unknown } | undefined;
  if (error && typeof error === 'object') out.error = { code: typeof error.code === 'number' ? error.code : null, message: typeof error.message === 'string' ? error.message : JSON.stringify(error) };
  const content = (m.result as { content?: unknown } | undefined)?.content;
  if (Array.isArray(content)) {
    out.resultText = content.flatMap((c) => (typeof c === 'object' && c !== null && typeof (c as { text?: unknown }).text === 'string' ? [(c as { text: string }).text] : [])).join('\n');
  }
  return out;
}

/** The checks of a call's arguments against the tool's recorded inputSchema, each naming the JSON path of the argument. */
export function schemaProblems(schema: Record<string, unknown> | null, args: unknown): Array<{ path: string; message: string }> {
  if (schema === null) return [];
  const result = new Validator(schema as Schema, '2020-12', false).validate(args ?? {});
  if (result.valid) return [];
  return result.errors
    .filter((e) => !['properties', 'items', 'allOf', '$ref', 'anyOf', 'oneOf'].includes(e.keyword) || result.errors.length === 1)
    .map((e) => ({ path: `$.arguments${e.instanceLocation.replace(/^#/, '').replace(/\/([^/]+)/g, (_m, key: string) => (/^\d+$/.test(key) ? `[${key}]` : `.${key}`))}`, message: e.error }));
}

const INVALID_PARAMS = -32602;

/** Sorts a failure into transport, protocol or tool, with the next thing to check. */
export function classify(facts: FailureFacts): Classification {
  const request = parse(facts.request?.body);
  const answer = parse(facts.answer?.body);
  const server = facts.request?.server ?? facts.answer?.server ?? 'the server';
  const method = facts.request?.method ?? facts.answer?.method ?? request.method ?? 'the request';
  const tool = method === 'tools/call' && typeof request.params?.name === 'string' ? request.params.name : null;
  const what = tool ? `tools/call ${tool}` : method;
  const status = facts.answer?.httpStatus ?? facts.exchange?.status ?? null;
  const exchangeError = facts.exchange?.error ?? null;
  const message = answer.error?.message ?? '';
  const base = { code: answer.error?.code ?? null, schemaProblems: [] as Array<{ path: string; message: string }> };

  // Transport: the call never got a real answer from the server.
  if (/exited|crashed|killed|before answering/i.test(message) || (facts.stderr.some((l) => /\[mcp-gateway\] process /.test(l)) && /stdio/i.test(message))) {
    const last = facts.stderr.filter((l) => !l.startsWith('[mcp-gateway]')).slice(-3);
    return {
      ...base,
      category: 'transport',
      summary: `The stdio server "${server}" stopped before answering ${what}: ${message}`,
      nextSteps: [
        last.length ? `Read its last stderr lines: ${last.join(' | ')}` : `Read its stderr: mcp-gateway server logs ${server}`,
        'Fix the crash, then retry: the client must start a new session (the gateway starts a new process on initialize)',
      ],
    };
  }
  if (/unreachable|ECONNREFUSED|connection refused|ENOTFOUND|timed? ?out|ETIMEDOUT/i.test(message) || (facts.answer?.stream === 'gateway' && (status ?? 0) >= 500)) {
    const refused = /ECONNREFUSED|refused/i.test(message);
    return {
      ...base,
      category: 'transport',
      summary: `${what} did not reach "${server}": ${message || exchangeError || `HTTP ${status}`}`,
      nextSteps: [
        refused ? `Nothing listens at the server's URL: start it, or fix its URL in mcp.json (mcp-gateway server list)` : `Check that the server is up and answers in time: mcp-gateway server health ${server}`,
        'Then retry the call (replay_message sends it again).',
      ],
    };
  }
  if (status === 404 && (answer.error?.code === -32001 || /session not found/i.test(message) || /session not found/i.test(exchangeError ?? ''))) {
    return {
      ...base,
      category: 'transport',
      summary: `The session of ${what} no longer exists on "${server}" (deleted, expired, or the server restarted)`,
      nextSteps: ['The client must initialize a new session; a client that does not on a 404 has a bug', 'replay_message with session "fresh" re-runs the call in a new session'],
    };
  }
  if (status !== null && status >= 500 && facts.answer === null) {
    return { ...base, category: 'transport', summary: `"${server}" answered ${what} with HTTP ${status} and no JSON-RPC answer`, nextSteps: [`Read the server's own logs; the HTTP exchange shows what it sent`] };
  }
  if (status === 401 || status === 403) {
    return {
      ...base,
      category: 'transport',
      summary: `"${server}" refused ${what} with HTTP ${status}: the credentials are missing or wrong`,
      nextSteps: ['Give the server its credentials in mcp.json ("headers": {"Authorization": "Bearer ${env:TOKEN}"}), or sign in again through the client'],
    };
  }
  if (facts.answer === null) {
    return {
      ...base,
      category: 'transport',
      summary: `${what} got no answer${exchangeError ? `: ${exchangeError}` : ' (still pending, or the client gave up)'}`,
      nextSteps: ['Check whether the client timed out or disconnected (a gateway/aborted row says so)', `Check that "${server}" is not stuck: mcp-gateway server health ${server}`],
    };
  }

  // Protocol: a JSON-RPC error, or the SDK's invalid-params failure wrapped in an isError result.
  const wrapped = /-32602|Input validation error|Invalid arguments for tool/i.test(answer.resultText ?? '');
  if (answer.error || (facts.answer.isError && wrapped)) {
    const code = answer.error?.code ?? (wrapped ? INVALID_PARAMS : null);
    const text = answer.error?.message ?? answer.resultText ?? '';
    if (code === INVALID_PARAMS) {
      const problems = tool ? schemaProblems(facts.inputSchema, request.params?.arguments) : [];
      return {
        code,
        category: 'protocol',
        schemaProblems: problems,
        summary: `"${server}" rejected the params of ${what} (-32602 invalid params): ${text}`,
        nextSteps: [
          problems.length
            ? `Fix these arguments: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`
            : facts.inputSchema
              ? 'The arguments fit the recorded inputSchema: the server checks more than it declares; read its error message'
              : 'No tools/list of this server was recorded: list its tools to see the inputSchema',
          'Edit and resend with replay_message (params) to try the fix',
        ],
      };
    }
    if (code === -32601) {
      return {
        code,
        category: 'protocol',
        schemaProblems: [],
        summary: `"${server}" does not know ${what} (-32601 method not found): ${text}`,
        nextSteps: [tool ? `Check the tool name against the server's tools/list` : `Check the server's capabilities in its initialize answer (get_session) before calling ${method}`],
      };
    }
    return {
      code,
      category: 'protocol',
      schemaProblems: [],
      summary: `"${server}" answered ${what} with JSON-RPC error ${code ?? '(no code)'}: ${text}`,
      nextSteps: [code === -32603 ? "An internal error of the server: read its logs (stderr for stdio servers)" : 'Read the error against the request; replay_message re-runs it'],
    };
  }

  // Tool: the tool ran and said it failed.
  return {
    code: null,
    category: 'tool',
    schemaProblems: [],
    summary: `${what} ran and reported a failure (isError): ${(answer.resultText ?? '').slice(0, 300)}`,
    nextSteps: ['The tool itself failed: its text says why; check the arguments it was given', 'Compare with earlier calls of the same tool (recentCalls) to see when it started failing'],
  };
}
