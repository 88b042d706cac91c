// Typed wrappers over the REST API. Every call goes through client.ts.
import type {
  ClearResult,
  GatewayHealth,
  MessageDetail,
  MessagePage,
  ServerHealth,
  ServerView,
  SessionPage,
  SessionRecord,
  StatsResponse,
  StderrLine,
} from '@mcp-gateway/gateway/types';
import { apiJson, download, queryString } from './client.js';

export type ApiParams = Record<string, string>;

export interface ServerList {
  servers: ServerView[];
  registryError: string | null;
}

/** A server as mcp.json holds it, for add and edit: the view without what the gateway derives. */
export type ServerEntry = Partial<Omit<ServerView, 'name' | 'proxyUrl'>>;

export const api = {
  health: () => apiJson<GatewayHealth>('/health'),

  listMessages: (params: ApiParams & { limit?: string; before?: string; after?: string; order?: string; maxBody?: string }) =>
    apiJson<MessagePage>(`/messages${queryString(params)}`),
  message: (id: number) => apiJson<MessageDetail>(`/messages/${id}`),
  clearMessages: (server?: string) => apiJson<ClearResult>(`/messages${queryString({ server })}`, { method: 'DELETE' }),
  exportMessages: (params: ApiParams, format: 'jsonl' | 'har') => download(`/export${queryString({ ...params, format })}`),

  servers: () => apiJson<ServerList>('/servers'),
  serverStderr: (name: string) => apiJson<{ lines: StderrLine[] }>(`/servers/${encodeURIComponent(name)}/stderr?limit=200`),
  serverHealth: (name: string) => apiJson<ServerHealth>(`/servers/${encodeURIComponent(name)}/health`),
  addServer: (name: string, entry: ServerEntry) => apiJson<ServerView>('/servers', { method: 'POST', body: JSON.stringify({ name, ...entry }) }),
  putServer: (name: string, entry: ServerEntry) =>
    apiJson<ServerView>(`/servers/${encodeURIComponent(name)}`, { method: 'PUT', body: JSON.stringify(entry) }),
  removeServer: (name: string) => apiJson<{ removed: string }>(`/servers/${encodeURIComponent(name)}`, { method: 'DELETE' }),

  sessions: (params: { server?: string; before?: number; limit?: number } = {}) => apiJson<SessionPage>(`/sessions${queryString(params)}`),
  session: (id: string, server?: string) =>
    apiJson<{ session: SessionRecord }>(`/sessions/${encodeURIComponent(id)}${queryString({ server })}`),

  stats: (params: { server?: string; since?: number; until?: number } = {}) => apiJson<StatsResponse>(`/stats${queryString(params)}`),
};
