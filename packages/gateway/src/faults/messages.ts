// What a fault rule puts in place of a message: pure functions, used by the
// proxy's fault path (proxy/fault-*.ts) and tested here.
import jsonpatch from 'fast-json-patch';
import type { FaultAction, JsonPatchOperation, JsonRpcId } from '../types.js';

/** JSON-RPC "internal error": what an injected error says unless the rule gives a code. */
export const DEFAULT_ERROR_CODE = -32603;
/** The SDK's code for transport-level rejections: an aborted breakpoint. */
export const ABORT_ERROR_CODE = -32000;

type Of<T extends FaultAction['type']> = Extract<FaultAction, { type: T }>;

export function errorAnswer(id: JsonRpcId | null, action: Of<'error'>, ruleId: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code: action.code ?? DEFAULT_ERROR_CODE, message: action.message ?? `Injected error (mcp-gateway fault rule ${ruleId})` } });
}

export function toolErrorAnswer(id: JsonRpcId | null, action: Of<'toolError'>, ruleId: string): string {
  const text = action.text ?? `Injected tool error (mcp-gateway fault rule ${ruleId})`;
  return JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }], isError: true } });
}

export function abortAnswer(id: JsonRpcId | null, error: { code: number | null; message: string | null }, ruleId: string): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    error: { code: error.code ?? ABORT_ERROR_CODE, message: error.message ?? `Aborted at a breakpoint (mcp-gateway fault rule ${ruleId})` },
  });
}

/** The HTTP answer of an `http` rule: its headers, with a content type when the rule gives a body and none. */
export function httpAnswerHeaders(action: Of<'http'>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(action.headers ?? {})) headers[name.toLowerCase()] = value;
  if (action.body !== undefined && action.body !== '' && headers['content-type'] === undefined) {
    const trimmed = action.body.trimStart();
    headers['content-type'] = trimmed.startsWith('{') || trimmed.startsWith('[') ? 'application/json' : 'text/plain; charset=utf-8';
  }
  return headers;
}

export type PatchResult = { ok: true; value: unknown } | { ok: false; error: string };

/** RFC 6902 on a copy of the message; a failed operation (a `test`, a missing path) leaves it as it was. */
export function patchMessage(value: unknown, patch: JsonPatchOperation[]): PatchResult {
  if (value === undefined) return { ok: false, error: 'the message is too large to parse, so it cannot be patched' };
  try {
    const result = jsonpatch.applyPatch(jsonpatch.deepClone(value), patch as jsonpatch.Operation[], true, true, true);
    return { ok: true, value: result.newDocument };
  } catch (error) {
    return { ok: false, error: `the patch does not apply: ${(error as Error).message.split('\n')[0]}` };
  }
}
