import { exportLineSchema, insertImport, parseExport } from '../store/import.js';
import type { ImportResult } from '../types.js';
import { type ApiContext } from './context.js';
import { ApiFailure } from './errors.js';
import { apiErrorSchema, importResultSchema } from './response-schemas.js';
import { route, type RouteSpec } from './spec.js';

/** Largest import accepted in one request; split bigger files (pairs across files are not linked). */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

async function readCapped(request: Request, cap: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > cap) throw tooLarge(cap);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel();
      throw tooLarge(cap);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const tooLarge = (cap: number): ApiFailure =>
  new ApiFailure(413, 'too_large', `an import is at most ${cap / 1024 / 1024} MiB; split the file (mcp-gateway logs export --server <name> makes smaller ones)`);

export function importRoutes(ctx: ApiContext): RouteSpec[] {
  const { writer, sqlite } = ctx.deps;
  return [
    route({
      method: 'post',
      path: '/import',
      operationId: 'importMessages',
      tag: 'export',
      summary: 'Import a JSONL export: all lines or none',
      description:
        'Each line is validated; on any bad line nothing is imported and the answer names the first bad lines. ' +
        'Messages get new ids after every stored one (pairedId is remapped within the file) and are published as `message` events. ' +
        'Exporting again gives the same lines apart from ids.',
      body: { description: 'JSON Lines, one ExportLine per line', contentType: 'application/x-ndjson', schema: exportLineSchema },
      responses: {
        200: { description: 'How many were imported, and their ids', schema: importResultSchema },
        400: { description: 'A line is not a valid export line (code bad_import)', schema: apiErrorSchema },
        413: { description: 'The body is too large', schema: apiErrorSchema },
        503: { description: 'Storage is failing; nothing was imported', schema: apiErrorSchema },
      },
      handle: async ({ c }) => {
        const text = await readCapped(c.req.raw, MAX_IMPORT_BYTES);
        const { lines, errors } = parseExport(text);
        if (errors.length > 0) {
          const listed = errors.map((e) => `line ${e.line}: ${e.message}`).join('; ');
          throw new ApiFailure(400, 'bad_import', `nothing imported: ${listed}`);
        }
        // Queued rows take their (lower) ids first, so ids stay in insertion order for the event stream;
        // and the import commits while the writer thread is idle, so the two never contend for the lock.
        const rows = await writer.exclusive(() => {
          const health = writer.health();
          if (!health.ok) throw new ApiFailure(503, 'storage_failing', `nothing imported: storage is failing (${health.error ?? 'unknown error'})`);
          return insertImport(sqlite, lines, () => writer.allocateMessageId());
        });
        ctx.feed.publishMessages(rows);
        const result: ImportResult = { imported: rows.length, firstId: rows[0]?.id ?? null, lastId: rows[rows.length - 1]?.id ?? null };
        ctx.deps.audit.record('logs.imported', { detail: { ...result }, source: 'api' });
        // Imported rows bypass the writer's feed: the analyzer reads them from the database.
        if (result.firstId !== null && result.lastId !== null) ctx.deps.alerts?.rowsInserted(result.firstId, result.lastId);
        return c.json(result);
      },
    }),
  ];
}
