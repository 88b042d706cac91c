// The one place the UI talks to the gateway. Every request goes through
// apiFetch (or openStream for the live feed), which sends the gateway token as
// `Authorization: Bearer`. The token arrives in the fragment of the link the
// gateway prints (`/ui/#token=...`): a fragment is never sent to any server
// and is removed from the address bar at once. It is kept in localStorage,
// which, unlike a cookie, belongs to this exact origin (scheme, host and
// port), so no other server on 127.0.0.1 ever sees it.
import type { ApiError as ApiErrorBody } from '@mcp-gateway/gateway/types';

const API_BASE = '/api';
const TOKEN_KEY = 'mcp-gateway-token';

/** Takes the token out of `#token=...` (if there) into storage, and out of the address bar and history. */
export function adoptTokenFromLocation(): void {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get('token');
  if (!token) return;
  window.localStorage.setItem(TOKEN_KEY, token);
  fragment.delete('token');
  const rest = fragment.toString();
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
}

/** The token this tab signed in with (null before the printed link was opened). */
export function storedToken(): string | null {
  return window.localStorage.getItem(TOKEN_KEY);
}

function withToken(init: RequestInit): RequestInit {
  const token = storedToken();
  if (!token) return init;
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return { ...init, headers };
}

/** A failed API call: the HTTP status and the gateway's own error code and message. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error object's other fields (a replay's `paths`, `tool`, `annotations`). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

type AuthListener = (unauthorized: boolean) => void;
const authListeners = new Set<AuthListener>();
let unauthorized = false;

/** True once any API call answered 401: the UI then shows the "open the printed link" screen. */
export function isUnauthorized(): boolean {
  return unauthorized;
}

export function onAuthChange(listener: AuthListener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

function noteStatus(status: number): void {
  const now = status === 401 ? true : status < 400 ? false : unauthorized;
  if (now === unauthorized) return;
  unauthorized = now;
  for (const listener of authListeners) listener(unauthorized);
}

/** Path under /api (with its query string) to an absolute same-origin URL path. */
export function apiPath(path: string): string {
  return `${API_BASE}${path}`;
}

export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(apiPath(path), { ...withToken(init), credentials: 'same-origin' });
  noteStatus(response.status);
  return response;
}

async function failure(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `${response.status} ${response.statusText}`.trim();
  let details: Record<string, unknown> = {};
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    if (body.error) {
      ({ code, message, ...details } = body.error);
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, code, message, details);
}

export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const response = await apiFetch(path, { ...init, headers });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** Opens the live event stream; resolves with the response (status checked) or throws ApiError. */
export async function openStream(path: string, lastEventId: string | null, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const headers = new Headers({ accept: 'text/event-stream' });
  if (lastEventId !== null) headers.set('last-event-id', lastEventId);
  const response = await apiFetch(path, { headers, signal, cache: 'no-store' });
  if (!response.ok || !response.body) throw await failure(response);
  return response.body;
}

/**
 * Downloads an API resource (an export) as a file. A plain link cannot carry
 * the token header, so the file is fetched first, then handed to the browser.
 */
export async function download(path: string): Promise<void> {
  const response = await apiFetch(path);
  if (!response.ok) throw await failure(response);
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'export';
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Query string from defined values only. */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
