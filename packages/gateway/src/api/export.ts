import { toExportLine } from '../store/queries.js';
import { ERROR_RESPONSES, type ApiContext } from './context.js';
import { harChunks } from './har.js';
import { checkFilter } from './messages.js';
import { apiErrorSchema, harSchema } from './response-schemas.js';
import { exportQuery } from './schemas.js';
import { route, type RouteSpec } from './spec.js';
import { batched, textStream } from './streaming.js';

export function exportRoutes(ctx: ApiContext): RouteSpec[] {
  const { writer, version, baseUrl } = ctx.deps;
  return [
    route({
      method: 'get',
      path: '/export',
      operationId: 'exportMessages',
      tag: 'export',
      summary: 'Download the messages (same filters as GET /api/messages) as JSON Lines, or as a HAR 1.2 archive of their HTTP exchanges',
      description:
        'JSONL is oldest first, one ExportLine per message, exactly as `mcp-gateway logs export` writes it, and can be imported with POST /api/import. ' +
        'HAR has one entry per HTTP exchange (SSE answers as event-stream text, timings from the recorded times); headers that were masked ' +
        '(Authorization, Cookie, values holding [REDACTED:…]) are left out unless includeSecrets=true, which can only add the stored, still redacted, values. ' +
        'The export covers what was stored when it started.',
      query: exportQuery,
      responses: {
        200: { description: 'application/x-ndjson (jsonl) or application/json (har)', schema: harSchema },
        400: { ...ERROR_RESPONSES[400], schema: apiErrorSchema },
      },
      handle: async ({ c, query }) => {
        const { format = 'jsonl', includeSecrets = false, ...filter } = query;
        checkFilter(filter);
        // Which filters, not their values: a search (q) can quote what was said.
        const filters = Object.keys(filter).filter((name) => filter[name as keyof typeof filter] !== undefined);
        ctx.deps.audit.record('logs.exported', { subject: filter.server ?? null, detail: { format, filters, includeSecrets }, source: 'api' });
        await writer.flush();
        const before = ctx.queries.newestId() + 1;
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        if (format === 'har') {
          const chunks = batched(harChunks(ctx.queries, filter, { baseUrl: baseUrl(), version, includeSecrets, before }));
          return new Response(textStream(chunks), {
            headers: { 'content-type': 'application/json; charset=utf-8', 'content-disposition': `attachment; filename="mcp-gateway-${stamp}.har"` },
          });
        }
        const lines = (function* () {
          for (const record of ctx.queries.iterate(filter, { before })) yield `${JSON.stringify(toExportLine(record))}\n`;
        })();
        return new Response(textStream(batched(lines)), {
          headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-disposition': `attachment; filename="mcp-gateway-${stamp}.jsonl"` },
        });
      },
    }),
  ];
}
