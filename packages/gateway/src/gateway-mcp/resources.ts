import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { MessageDetail, ServerView, SessionRecord } from '../types.js';
import type { ApiClient } from './api-client.js';
import { DEFAULT_MAX_BYTES } from './budget.js';
import { explainError, renderExplanation } from './explain.js';
import { budgetMessages } from './views.js';

const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] });

export function registerResources(server: McpServer, api: ApiClient): void {
  server.registerResource('servers', 'gateway://servers', { title: 'Registered servers', description: 'The servers behind this gateway, with their proxy URLs (secrets masked)', mimeType: 'application/json' }, async (uri) =>
    json(uri, await api.call<{ servers: ServerView[] }>('GET', '/servers')),
  );

  server.registerResource(
    'message',
    new ResourceTemplate('gateway://messages/{id}', { list: undefined }),
    { title: 'A recorded message', description: 'A message with its pair, HTTP exchange and related progress; bodies within 20 KB', mimeType: 'application/json' },
    async (uri, variables) => {
      const detail = await api.call<MessageDetail>('GET', `/messages/${encodeURIComponent(String(variables.id))}`);
      const records = [detail.message, ...(detail.pair ? [detail.pair] : [])];
      const [message, pair] = budgetMessages(records, DEFAULT_MAX_BYTES, 2000);
      return json(uri, { message, pair: pair ?? null, exchange: detail.exchange, relatedCount: detail.related.length });
    },
  );

  server.registerResource(
    'session',
    new ResourceTemplate('gateway://sessions/{id}', { list: undefined }),
    { title: 'A recorded session', description: 'A session: its client, protocol and counts', mimeType: 'application/json' },
    async (uri, variables) => json(uri, await api.call<{ session: SessionRecord }>('GET', `/sessions/${encodeURIComponent(String(variables.id))}`)),
  );

  server.registerPrompt(
    'debug-latest-error',
    { title: 'Debug the latest error', description: 'The context of the most recent failed call, for working out why it failed and what to change' },
    async () => {
      const explanation = await explainError(api, undefined, DEFAULT_MAX_BYTES);
      const text = explanation
        ? `A call through mcp-gateway failed. Work out why and what to change, starting from this:\n\n${renderExplanation(explanation)}\n\nUse get_message, search_messages and replay_message (with edited params) to test a fix.`
        : 'No error is recorded by mcp-gateway yet. Reproduce the failing call through the gateway, then ask again.';
      return { messages: [{ role: 'user', content: { type: 'text', text } }] };
    },
  );
}
