// The replay endpoints, through the one API client. Errors arrive as ApiError
// with the gateway's code (not_replayable, redacted_params,
// confirmation_required, session_gone, upstream_failed, ...) and its extra
// fields in `details`.
import type { ReplayResult, ReplaySessionMode, VerifyReport } from '@mcp-gateway/gateway/types';
import { ApiError, apiJson, queryString } from '../api/client.js';
import type { ServerCatalog, ToolAnnotations } from './catalog.js';

export interface ReplayBody {
  params?: unknown;
  session?: ReplaySessionMode;
  confirm?: true;
}

export interface ComposeBody {
  method: string;
  params?: unknown;
  confirm?: true;
}

export interface VerifyBody {
  confirm?: true;
  ignorePaths?: string[];
}

const post = <T>(path: string, body: unknown): Promise<T> => apiJson<T>(path, { method: 'POST', body: JSON.stringify(body) });

export const replayApi = {
  replay: (id: number, body: ReplayBody) => post<ReplayResult>(`/messages/${id}/replay`, body),
  compose: (server: string, body: ComposeBody) => post<ReplayResult>(`/servers/${encodeURIComponent(server)}/requests`, body),
  verify: (session: string, server: string, body: VerifyBody) =>
    post<VerifyReport>(`/sessions/${encodeURIComponent(session)}/verify${queryString({ server })}`, body),
  catalog: (server: string) => apiJson<ServerCatalog>(`/servers/${encodeURIComponent(server)}/catalog`),
};

/** A refusal the UI answers with a question or a form instead of an error line. */
export type Refusal =
  | { type: 'confirm'; tool: string; annotations: ToolAnnotations | null; message: string }
  | { type: 'redacted'; paths: string[]; message: string }
  | { type: 'session-gone'; message: string }
  | { type: 'invalid'; message: string }
  | { type: 'failed'; code: string; status: number; message: string };

/** What an error of a replay or compose call asks of the user. */
export function refusalOf(error: unknown): Refusal {
  if (!(error instanceof ApiError)) return { type: 'failed', code: 'network', status: 0, message: error instanceof Error ? error.message : String(error) };
  const { details } = error;
  switch (error.code) {
    case 'confirmation_required':
      return {
        type: 'confirm',
        tool: typeof details.tool === 'string' ? details.tool : 'this tool',
        annotations: details.annotations !== null && typeof details.annotations === 'object' ? (details.annotations as ToolAnnotations) : null,
        message: error.message,
      };
    case 'redacted_params':
      return { type: 'redacted', paths: Array.isArray(details.paths) ? details.paths.filter((p): p is string => typeof p === 'string') : [], message: error.message };
    case 'session_gone':
      return { type: 'session-gone', message: error.message };
    case 'invalid_params':
      return { type: 'invalid', message: error.message };
    default:
      return { type: 'failed', code: error.code, status: error.status, message: error.message };
  }
}
