import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiCallError } from './api-client.js';

/** A result with structured content and its short text rendering. */
export function ok(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** A tool error that says what to change; never a protocol error. */
export function failed(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/** What the API said, turned into what the agent should do next. */
export function explainFailure(error: unknown): CallToolResult {
  if (!(error instanceof ApiCallError)) return failed(`The gateway failed: ${(error as Error).message}`);
  const hint: Record<string, string> = {
    confirmation_required: ' Ask the user, then call again with confirm: true.',
    redacted_params: ` Pass the real values in params (paths: ${JSON.stringify(error.details.paths ?? [])}).`,
    session_gone: ' Call again with session: "fresh".',
    not_found: ' Find ids with search_messages or list_sessions.',
    not_replayable: '',
  };
  return failed(`${error.message}${hint[error.code] ?? ''}`);
}

/** Runs a tool body; API refusals and failures become tool errors. */
export async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    return explainFailure(error);
  }
}

/** Annotations of a tool that only reads. */
export const READS = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
