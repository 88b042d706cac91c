import { gatewayMade } from '../security/headers.js';
import type { JsonRpcId } from '../types.js';

// -32000 is the SDK's code for transport-level rejections; clients already
// know to surface its message.
export const GATEWAY_ERROR_CODE = -32000;

export interface GatewayErrorBody {
  jsonrpc: '2.0';
  id: JsonRpcId | null;
  error: { code: number; message: string; data?: Record<string, unknown> };
}

export function jsonRpcError(id: JsonRpcId | null, message: string, data?: Record<string, unknown>): GatewayErrorBody {
  return { jsonrpc: '2.0', id, error: { code: GATEWAY_ERROR_CODE, message, ...(data ? { data } : {}) } };
}

export function jsonRpcErrorResponse(status: number, body: GatewayErrorBody | GatewayErrorBody[]): Response {
  return gatewayMade(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}


/** A readable cause for a failed upstream request: "connection refused (ECONNREFUSED)". */
export function describeUpstreamFailure(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = (cause as { code?: unknown }).code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_SOCKET: 'connection closed by the upstream',
    UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  };
  if (typeof code === 'string') return `${known[code] ?? (cause as Error).message ?? code} (${code})`;
  return (cause as Error).message ?? String(cause);
}
