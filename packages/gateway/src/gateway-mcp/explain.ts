import type { ExchangeRecord, MessageDetail, MessageListItem, MessagePage, MessageRecord, ServerView, StderrLine } from '../types.js';
import { queryString, type ApiClient } from './api-client.js';
import { budgetMessages, targetOf, type BudgetedMessage } from './views.js';
import { classify, type Classification } from './classify.js';
import { objectOf } from '../replay/recorded.js';

export interface Explanation extends Classification {
  request: BudgetedMessage | null;
  answer: BudgetedMessage | null;
  exchange: Pick<ExchangeRecord, 'method' | 'path' | 'status' | 'error' | 'receivedAt' | 'upstreamFirstByteAt' | 'doneAt'> | null;
  stderr: string[];
  /** The last calls of the same tool (or method) on the server, newest first, and how they ended. */
  recentCalls: Array<{ id: number; time: string; status: 'ok' | 'error' | 'isError' | 'pending'; durationMs: number | null }>;
}

/** Recent calls shown beside the failure. */
const RECENT = 5;

/**
 * Gathers what explains one failure: the request and its answer, the HTTP
 * exchange, the stdio server's stderr around it, the tool's recent calls and
 * its recorded inputSchema; then classifies. `id` may be the request or the
 * answer; none: the newest JSON-RPC error or isError result.
 */
export async function explainError(api: ApiClient, id: number | undefined, maxBytes: number): Promise<Explanation | null> {
  let messageId = id;
  if (messageId === undefined) {
    const latest = await api.call<MessagePage>('GET', `/messages${queryString({ errors: true, limit: 1, maxBody: 0 })}`);
    const newest = latest.messages[0];
    if (!newest) return null;
    messageId = newest.id;
  }
  const detail = await api.call<MessageDetail>('GET', `/messages/${messageId}`);
  const { message, pair } = detail;
  const isRequest = message.kind === 'request';
  const request = isRequest ? message : pair;
  const answer = isRequest ? pair : message.kind === 'response' || message.kind === 'error' ? message : null;
  // The answer's exchange says how it came back; most answers share the request's.
  const separate = answer !== null && answer !== message && answer.exchangeId !== null && answer.exchangeId !== message.exchangeId;
  const exchange = separate ? ((await api.call<MessageDetail>('GET', `/messages/${answer.id}`)).exchange ?? detail.exchange) : detail.exchange;
  const server = message.server;
  const servers = await api.call<{ servers: ServerView[] }>('GET', '/servers').catch(() => ({ servers: [] as ServerView[] }));
  const view = servers.servers.find((s) => s.name === server);
  const stderr = view?.type === 'stdio' ? await stderrAround(api, server, message.sessionId, answer ?? message) : [];
  const tool = request ? targetOf(request) : null;
  const inputSchema = tool !== null ? await toolSchema(api, server, tool) : null;
  const classification = classify({ request, answer, exchange, stderr, inputSchema });
  const recentCalls = request ? await recent(api, request, tool) : [];
  const fitted = budgetMessages([request, answer].filter((m): m is MessageRecord => m !== null), maxBytes, 2000 + stderr.join('\n').length);
  return {
    ...classification,
    request: request ? (fitted.shift() ?? null) : null,
    answer: answer ? (fitted.shift() ?? null) : null,
    exchange: exchange
      ? { method: exchange.method, path: exchange.path, status: exchange.status, error: exchange.error, receivedAt: exchange.receivedAt, upstreamFirstByteAt: exchange.upstreamFirstByteAt, doneAt: exchange.doneAt }
      : null,
    stderr,
    recentCalls,
  };
}

async function stderrAround(api: ApiClient, server: string, sessionId: string | null, near: MessageRecord): Promise<string[]> {
  const { lines } = await api.call<{ lines: StderrLine[] }>('GET', `/servers/${encodeURIComponent(server)}/stderr${queryString({ session: sessionId ?? undefined, limit: 200 })}`).catch(() => ({ lines: [] as StderrLine[] }));
  // Up to a second after the failure: a crash report comes just after the last answer.
  return lines.filter((l) => l.timestamp <= near.timestamp + 1000).slice(-20).map((l) => l.line);
}

async function toolSchema(api: ApiClient, server: string, tool: string): Promise<Record<string, unknown> | null> {
  const catalog = await api.call<{ tools: Array<Record<string, unknown>> }>('GET', `/servers/${encodeURIComponent(server)}/catalog`).catch(() => ({ tools: [] }));
  return objectOf(catalog.tools.find((t) => t.name === tool)?.inputSchema);
}

async function recent(api: ApiClient, request: MessageRecord, tool: string | null): Promise<Explanation['recentCalls']> {
  const page = await api.call<MessagePage>('GET', `/messages${queryString({ server: request.server, method: request.method ?? undefined, kind: 'request', direction: 'client_to_server', limit: 100, maxBody: 2048, before: request.id + 1 })}`);
  return page.messages
    .filter((m: MessageListItem) => tool === null || targetOf(m) === tool)
    .slice(0, RECENT)
    .map((m) => ({
      id: m.id,
      time: new Date(m.timestamp).toISOString(),
      status: m.pair === null ? 'pending' : m.pair.kind === 'error' ? 'error' : m.pair.isError ? 'isError' : 'ok',
      durationMs: m.pair?.durationMs ?? null,
    }));
}

/** The text an agent reads first. */
export function renderExplanation(e: Explanation): string {
  const lines = [`${e.category.toUpperCase()} failure: ${e.summary}`, 'Next steps:', ...e.nextSteps.map((s) => `- ${s}`)];
  if (e.schemaProblems.length) lines.push('Arguments that do not fit the inputSchema:', ...e.schemaProblems.map((p) => `- ${p.path}: ${p.message}`));
  if (e.stderr.length) lines.push('stderr:', ...e.stderr.slice(-10).map((l) => `  ${l}`));
  if (e.recentCalls.length) lines.push(`Recent calls: ${e.recentCalls.map((c) => `#${c.id} ${c.status}`).join(', ')}`);
  if (e.request) lines.push(`Request #${e.request.id}: ${e.request.body.slice(0, 600)}`);
  if (e.answer) lines.push(`Answer #${e.answer.id}: ${e.answer.body.slice(0, 600)}`);
  return lines.join('\n');
}
