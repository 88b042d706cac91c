import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { MessageRecord } from '../types.js';
import { insertMessages } from './derived.js';

// One line of a JSONL export (ExportLine in types.ts). Unknown keys are ignored,
// so a file from a newer version still imports what this one understands.
export const exportLineSchema = z.object({
  id: z.number().int().positive(),
  timestamp: z.iso.datetime({ offset: true }),
  server: z.string().min(1).max(200),
  sessionId: z.string().nullable(),
  direction: z.enum(['client_to_server', 'server_to_client']),
  kind: z.enum(['request', 'response', 'notification', 'error', 'invalid']),
  method: z.string().nullable(),
  jsonrpcId: z.union([z.string(), z.number()]).nullable(),
  pairedId: z.number().int().nullable(),
  relatedId: z.number().int().nullable().optional(),
  durationMs: z.number().nonnegative().nullable(),
  // 0: what earlier builds recorded for a stdio process's own messages (no HTTP answer); read as none.
  httpStatus: z.union([z.literal(0).transform(() => null), z.number().int().min(100).max(599)]).nullable(),
  message: z.unknown().refine((value) => value !== undefined, 'required'),
  truncated: z.boolean().optional(),
  size: z.number().int().nonnegative(),
  origin: z.enum(['client', 'replay']).optional(),
  replayOf: z.number().int().nullable().optional(),
  injected: z.string().nullable().optional(),
});

type ParsedLine = z.infer<typeof exportLineSchema>;

export interface LineError {
  line: number;
  message: string;
}

export interface ParsedExport {
  lines: ParsedLine[];
  /** The first problems found, with 1-based line numbers; empty when the file is good. */
  errors: LineError[];
}

const MAX_ERRORS = 10;

/** Parses and validates every line (blank lines are skipped); collects the first errors instead of stopping at one. */
export function parseExport(text: string): ParsedExport {
  const lines: ParsedLine[] = [];
  const errors: LineError[] = [];
  const raw = text.split('\n');
  const seen = new Map<number, number>();
  for (let i = 0; i < raw.length && errors.length < MAX_ERRORS; i++) {
    const source = (raw[i] ?? '').trim();
    if (source === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      errors.push({ line: i + 1, message: `not JSON (${(error as Error).message})` });
      continue;
    }
    const parsed = exportLineSchema.safeParse(value);
    if (parsed.success) {
      const first = seen.get(parsed.data.id);
      if (first !== undefined) errors.push({ line: i + 1, message: `id ${parsed.data.id} was already used on line ${first}` });
      seen.set(parsed.data.id, i + 1);
      lines.push(parsed.data);
    } else errors.push({ line: i + 1, message: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ') });
  }
  return { lines, errors };
}

const IS_ERROR_TRUE = /"isError"\s*:\s*true\b/;

function isErrorOf(line: ParsedLine): boolean {
  if (line.kind === 'error') return true;
  if (line.kind !== 'response') return false;
  const message = line.message;
  if (typeof message === 'string') return IS_ERROR_TRUE.test(message);
  const result = (message as { result?: unknown } | null)?.result;
  return typeof result === 'object' && result !== null && (result as { isError?: unknown }).isError === true;
}

/**
 * Inserts the lines in one transaction (all or nothing) with new ids from
 * `allocateId`, in file order; pairedId and relatedId are mapped to the new
 * ids (a partner outside the file becomes null). The stored text is the
 * message re-serialized. Search index, sessions and zone map are kept for the
 * whole file at once, as for a batch of the writer. Returns the rows as stored.
 */
export function insertImport(sqlite: Database.Database, lines: ParsedLine[], allocateId: () => number): MessageRecord[] {
  const ids = new Map<number, number>();
  for (const line of lines) ids.set(line.id, allocateId());
  const mapped = (old: number | null | undefined): number | null => (old === null || old === undefined ? null : (ids.get(old) ?? null));
  const rows = lines.map(
    (line): MessageRecord => ({
      id: ids.get(line.id) as number,
      timestamp: Date.parse(line.timestamp),
      server: line.server,
      sessionId: line.sessionId,
      direction: line.direction,
      kind: line.kind,
      method: line.method,
      jsonrpcId: line.jsonrpcId,
      pairedId: mapped(line.pairedId),
      relatedId: mapped(line.relatedId),
      durationMs: line.durationMs,
      httpStatus: line.httpStatus,
      exchangeId: null,
      stream: null,
      sseEventId: null,
      size: line.size,
      body: typeof line.message === 'string' ? line.message : JSON.stringify(line.message),
      truncated: line.truncated === true,
      isError: isErrorOf(line),
      redactions: [],
      origin: line.origin ?? 'client',
      replayOf: mapped(line.replayOf),
      injected: line.injected ?? null,
    }),
  );
  // In file order (which initialize wins is decided by the order messages join a session), in one transaction.
  insertMessages(sqlite, rows);
  return rows;
}
