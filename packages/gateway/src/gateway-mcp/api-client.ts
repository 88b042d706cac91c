/** A refusal or failure of the gateway's API, with the fields of its `{error: {...}}` body. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** How the gateway's MCP server reaches the REST API: in process (/gateway/mcp) or over HTTP (`mcp-gateway mcp`). */
export interface ApiClient {
  call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

type Fetch = (request: Request) => Response | Promise<Response>;

/**
 * Calls through a fetch function: the API's own Hono app in process (the
 * /gateway/mcp route has checked the token already), or `fetch` to a running
 * gateway with the token. `path` is below /api.
 */
export function apiClient(fetcher: Fetch, base: string, token: () => string | null = () => null): ApiClient {
  return {
    async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = {};
      const credential = token();
      if (credential !== null) headers.authorization = `Bearer ${credential}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetcher(new Request(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text === '' ? null : (JSON.parse(text) as unknown);
      } catch {
        // reported below
      }
      if (!response.ok) {
        const error = (parsed as { error?: Record<string, unknown> } | null)?.error ?? {};
        const { code, message, ...details } = error;
        throw new ApiCallError(response.status, typeof code === 'string' ? code : 'http_error', typeof message === 'string' ? message : `HTTP ${response.status}: ${text.slice(0, 200)}`, details);
      }
      return parsed as T;
    },
  };
}

/** `?a=1&b=x` from the defined entries, or ''. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  return search.size ? `?${search}` : '';
}
