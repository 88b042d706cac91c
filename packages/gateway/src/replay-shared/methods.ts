/**
 * Client requests a replay may send: reads, and the calls a developer
 * re-runs all day. Everything else (notifications, answers, server-to-client
 * requests, initialize, logging/setLevel, subscriptions) changes state of the
 * session itself or is not the client's to repeat.
 */
export const REPLAYABLE_METHODS: ReadonlySet<string> = new Set([
  'tools/call',
  'prompts/get',
  'resources/read',
  'completion/complete',
  'ping',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
]);

/** What a request names: the tool, prompt or resource; the completion's reference; null for lists and ping. */
export function requestTarget(method: string, params: unknown): string | null {
  const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  if (method === 'tools/call' || method === 'prompts/get') return typeof p.name === 'string' ? p.name : null;
  if (method === 'resources/read') return typeof p.uri === 'string' ? p.uri : null;
  if (method === 'completion/complete') {
    const ref = (typeof p.ref === 'object' && p.ref !== null ? p.ref : {}) as Record<string, unknown>;
    return typeof ref.name === 'string' ? ref.name : typeof ref.uri === 'string' ? ref.uri : null;
  }
  return null;
}
