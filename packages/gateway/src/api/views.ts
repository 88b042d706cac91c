import type { ResolvedServer } from '../registry/registry.js';
import type { ServerView } from '../types.js';

const MASK = '********';

/** A registry entry safe to show: header and env values masked. */
export function serverView(server: ResolvedServer, baseUrl: string): ServerView {
  const { entry } = server;
  const view: ServerView = { name: server.name, type: server.transport, proxyUrl: `${baseUrl}/s/${server.name}/mcp` };
  if (entry.url) view.url = maskUrl(entry.url);
  if (entry.headers) view.headers = Object.fromEntries(Object.keys(entry.headers).map((k) => [k, MASK]));
  if (entry.command) view.command = entry.command;
  if (entry.args) view.args = entry.args;
  if (entry.env) view.env = Object.fromEntries(Object.keys(entry.env).map((k) => [k, MASK]));
  if (entry.cwd) view.cwd = entry.cwd;
  return view;
}

function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = MASK;
    return url.toString();
  } catch {
    return value;
  }
}
