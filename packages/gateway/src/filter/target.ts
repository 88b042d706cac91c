// What a request is about, read from its stored body: the tool of tools/call,
// the prompt of prompts/get, the URI of resources/read. Works on bodies that a
// list cut short, so a page can be filtered by tool without whole bodies.

/** Request methods whose params name what they act on. */
const TARGET_PARAM: Record<string, string> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'resources/subscribe': 'uri',
  'resources/unsubscribe': 'uri',
};

export const hasTarget = (method: string | null): boolean => method !== null && method in TARGET_PARAM;

/** The target of a request from its (possibly clipped) body text. */
export function targetOf(method: string | null, body: string): string | null {
  const key = method === null ? undefined : TARGET_PARAM[method];
  if (key === undefined) return null;
  try {
    const parsed = JSON.parse(body) as { params?: Record<string, unknown> };
    const value = parsed.params?.[key];
    return typeof value === 'string' ? value : null;
  } catch {
    // Clipped: look for the key at the top of params.
    const params = body.indexOf('"params"');
    if (params === -1) return null;
    const match = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.){0,300})"`).exec(body.slice(params));
    if (!match?.[1]) return null;
    try {
      return JSON.parse(`"${match[1]}"`) as string;
    } catch {
      return null;
    }
  }
}
