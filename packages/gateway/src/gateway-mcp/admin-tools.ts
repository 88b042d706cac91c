import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ReplayResult, ServerHealth, ServerView, StatsResponse, VerifyReport } from '../types.js';
import type { ApiClient } from './api-client.js';
import { DEFAULT_MAX_BYTES } from './budget.js';
import { explainError, renderExplanation } from './explain.js';
import { failed, guarded, ok, READS } from './tool-kit.js';
import { budgetMessages } from './views.js';

const record = z.record(z.string(), z.unknown());
/** Keys of a stdio entry: this surface never takes one, since an agent can be steered by what it reads. */
const STDIO_KEYS = ['command', 'args', 'env', 'cwd'];

export function registerAdminTools(server: McpServer, api: ApiClient): void {
  server.registerTool(
    'list_servers',
    {
      title: 'Registered servers',
      description: 'Each server: name, transport, proxy URL (what a client connects to), health, message and error counts.',
      inputSchema: {},
      outputSchema: { servers: z.array(record) },
      annotations: READS,
    },
    () =>
      guarded(async () => {
        const [{ servers }, stats] = await Promise.all([api.call<{ servers: ServerView[] }>('GET', '/servers'), api.call<StatsResponse>('GET', '/stats')]);
        const rows = await Promise.all(
          servers.map(async (s) => {
            const health = await api.call<ServerHealth>('GET', `/servers/${encodeURIComponent(s.name)}/health`).catch(() => null);
            const mine = stats.rows.filter((r) => r.server === s.name);
            return {
              name: s.name,
              transport: s.type,
              proxyUrl: s.proxyUrl,
              target: s.url ?? [s.command, ...(s.args ?? [])].join(' '),
              health: health ? { status: health.status, latencyMs: health.latencyMs, lastError: health.lastError } : null,
              messages: mine.reduce((n, r) => n + r.count, 0),
              errors: mine.reduce((n, r) => n + r.errorCount, 0),
            };
          }),
        );
        const text = rows.map((r) => `${r.name} (${r.transport}) ${r.proxyUrl} → ${r.target}: ${r.health?.status ?? 'unknown'}, ${r.messages} messages, ${r.errors} errors`).join('\n');
        return ok({ servers: rows }, text || 'No server is registered. add_server registers one.');
      }),
  );

  server.registerTool(
    'add_server',
    {
      title: 'Register an HTTP server',
      description: 'Registers a Streamable HTTP or legacy SSE server by URL (optional headers are sent upstream on every request). Stdio commands are never accepted here; use the CLI for those.',
      inputSchema: z.looseObject({
        name: z.string().describe('1-64 letters, digits, - or _, starting with a letter or digit'),
        url: z.string().describe('http(s) URL of the server\'s MCP endpoint'),
        headers: z.record(z.string(), z.string()).optional(),
        type: z.enum(['http', 'sse']).optional().describe('http (Streamable HTTP, the default) or sse (legacy HTTP+SSE)'),
      }),
      outputSchema: { server: record },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const stdio = STDIO_KEYS.filter((key) => key in args);
        if (stdio.length > 0) {
          return failed(`add_server takes only URLs; ${stdio.join(', ')} ${stdio.length > 1 ? 'are' : 'is'} refused: a command is never started from this surface. A person can register a stdio server with: mcp-gateway server add <name> -- <command> [args...]`);
        }
        if (!/^https?:\/\//i.test(args.url)) return failed(`url must start with http:// or https:// (got ${JSON.stringify(args.url)})`);
        const view = await api.call<ServerView>('POST', '/servers', { name: args.name, url: args.url, ...(args.headers ? { headers: args.headers } : {}), ...(args.type ? { type: args.type } : {}) });
        return ok({ server: view as unknown as Record<string, unknown> }, `Registered "${view.name}". Clients connect to ${view.proxyUrl}`);
      }),
  );

  server.registerTool(
    'remove_server',
    {
      title: 'Remove a server',
      description: 'Removes a server from mcp.json; its recorded traffic stays.',
      inputSchema: { name: z.string() },
      outputSchema: { removed: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        await api.call('DELETE', `/servers/${encodeURIComponent(args.name)}`);
        return ok({ removed: args.name }, `Removed "${args.name}".`);
      }),
  );

  server.registerTool(
    'explain_error',
    {
      title: 'Why did this call fail?',
      description:
        'Explains a failure: the request and its answer, the HTTP exchange, a stdio server\'s stderr, recent calls of the same tool, and a classification (transport, protocol or tool) with the next thing to check. ' +
        'id: a request or its answer; none: the latest error.',
      inputSchema: { id: z.number().int().positive().optional().describe('a message id (request or answer); default: the newest error'), maxBytes: z.number().int().min(1024).max(1024 * 1024).optional() },
      outputSchema: {
        category: z.enum(['transport', 'protocol', 'tool']),
        summary: z.string(),
        nextSteps: z.array(z.string()),
        code: z.number().nullable(),
        schemaProblems: z.array(z.object({ path: z.string(), message: z.string() })),
        request: record.nullable(),
        answer: record.nullable(),
        exchange: record.nullable(),
        stderr: z.array(z.string()),
        recentCalls: z.array(record),
      },
      annotations: READS,
    },
    (args) =>
      guarded(async () => {
        const explanation = await explainError(api, args.id, args.maxBytes ?? DEFAULT_MAX_BYTES);
        if (explanation === null) return failed('No error is recorded yet: nothing to explain. search_messages lists what was recorded.');
        return ok(explanation as unknown as Record<string, unknown>, renderExplanation(explanation));
      }),
  );

  server.registerTool(
    'replay_message',
    {
      title: 'Send a recorded request again',
      description:
        'Re-sends a recorded client request (optionally with new params) through the gateway and compares the answer with the recorded one. ' +
        'A tools/call of a tool not marked readOnlyHint needs confirm: true: ask the user first. session: fresh (default) or live.',
      inputSchema: {
        id: z.number().int().positive().describe('id of a recorded client request'),
        params: z.record(z.string(), z.unknown()).optional().describe("the request's params, replacing the recorded ones"),
        session: z.enum(['fresh', 'live']).optional(),
        confirm: z.boolean().optional().describe('true to run a tool that may change something'),
        maxBytes: z.number().int().min(1024).max(1024 * 1024).optional(),
      },
      outputSchema: { request: record, response: record.nullable(), durationMs: z.number().nullable(), originalDurationMs: z.number().nullable(), diff: z.array(record), session: z.string().nullable() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    (args) =>
      guarded(async () => {
        const result = await api.call<ReplayResult>('POST', `/messages/${args.id}/replay`, {
          ...(args.params ? { params: args.params } : {}),
          ...(args.session ? { session: args.session } : {}),
          ...(args.confirm ? { confirm: true } : {}),
        });
        const [request, response] = budgetMessages([result.request, ...(result.response ? [result.response] : [])], args.maxBytes ?? DEFAULT_MAX_BYTES, JSON.stringify(result.diff).length);
        const diff = result.diff.length === 0 ? 'Same answer as recorded.' : result.diff.map((d) => `${d.change} ${d.path}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}`).join('\n');
        return ok(
          { request: request as unknown as Record<string, unknown>, response: (response ?? null) as unknown as Record<string, unknown> | null, durationMs: result.durationMs, originalDurationMs: result.originalDurationMs, diff: result.diff as unknown as Array<Record<string, unknown>>, session: result.session },
          `Replayed #${args.id} as #${result.request.id}: ${result.response ? `answer #${result.response.id}${result.response.isError ? ' (error)' : ''}` : 'no answer'}, ${result.durationMs ?? '-'} ms (was ${result.originalDurationMs ?? '-'} ms)\n${diff}`,
        );
      }),
  );

  server.registerTool(
    'verify_session',
    {
      title: 'Re-run a recorded session and compare',
      description: 'Re-runs every replayable request of a recorded session in one fresh session and compares each answer: same, changed (with the diff), error or skipped (tools that may change something, unless confirm: true).',
      inputSchema: {
        id: z.string().min(1).describe('an Mcp-Session-Id from list_sessions'),
        ignorePaths: z.array(z.string()).optional().describe('JSON paths to leave out, like $.result.content[*].text'),
        confirm: z.boolean().optional().describe('true to re-run tools not marked read-only too'),
      },
      outputSchema: { session: z.string(), replaySession: z.string().nullable(), results: z.array(record), same: z.number(), changed: z.number(), errors: z.number(), skipped: z.number() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    (args) =>
      guarded(async () => {
        const report = await api.call<VerifyReport>('POST', `/sessions/${encodeURIComponent(args.id)}/verify`, {
          ...(args.ignorePaths ? { ignorePaths: args.ignorePaths } : {}),
          ...(args.confirm ? { confirm: true } : {}),
        });
        const lines = report.results.map((r) => `${r.status} ${r.method}${r.target ? ` ${r.target}` : ''}${r.diff.length ? `: ${r.diff.map((d) => d.path).join(', ')}` : ''}${r.reason ? ` (${r.reason})` : ''}`);
        return ok(report as unknown as Record<string, unknown>, [`${report.same} same, ${report.changed} changed, ${report.errors} errors, ${report.skipped} skipped`, ...lines].join('\n'));
      }),
  );
}
