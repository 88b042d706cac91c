import { CliError } from './errors.js';

/** The running gateway refused a request; `status` and `message` come from its `{error: {code, message}}` answer. */
export class GatewayRefused extends CliError {
  override name = 'GatewayRefused';
  constructor(
    readonly status: number,
    readonly code: string | null,
    readonly apiMessage: string,
    summary: string,
  ) {
    super(summary);
  }
}

/** Where the running gateway is and the token its API wants (`findRunningGateway` gives both). */
export interface GatewayTarget {
  url: string;
  token: string;
}

export function authorization(gateway: GatewayTarget): Record<string, string> {
  return { authorization: `Bearer ${gateway.token}` };
}

/** One JSON request to the running gateway's API; network and API failures become one-line CLI errors. */
export async function callGateway<T>(
  gateway: GatewayTarget,
  method: string,
  path: string,
  init: { body?: string; timeoutMs?: number; contentType?: string } = {},
): Promise<T> {
  const baseUrl = gateway.url;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api${path}`, {
      method,
      body: init.body,
      headers: { ...authorization(gateway), ...(init.body === undefined ? {} : { 'content-type': init.contentType ?? 'application/x-ndjson' }) },
      signal: AbortSignal.timeout(init.timeoutMs ?? 60_000),
    });
  } catch (error) {
    throw new CliError(`the gateway at ${baseUrl} did not answer ${method} /api${path}: ${(error as Error).message}`);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: reported below with the start of the text
  }
  if (!response.ok || body === null) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
    throw new GatewayRefused(
      response.status,
      typeof error?.code === 'string' ? error.code : null,
      message,
      `the gateway at ${baseUrl} answered ${method} /api${path} with HTTP ${response.status}: ${message}`,
    );
  }
  return body as T;
}
