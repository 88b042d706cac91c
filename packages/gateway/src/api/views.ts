import type { ResolvedServer } from '../registry/registry.js';
import { createRedactor } from '../redact/index.js';
import type { ServerView } from '../types.js';

export const MASK = '********';
// A flag whose value is a credential: --token x, --api-key=x, -p x is not guessed.
const SECRET_FLAG = /^--?[\w-]*(token|key|secret|password|passwd|auth|credential|bearer)[\w-]*$/i;
const displayRedactor = createRedactor();

/**
 * A registry entry safe to show in the API, the UI and the CLI: header and
 * env values masked, URL credentials and query values masked, and command
 * arguments that look like credentials masked.
 */
export function serverView(server: ResolvedServer, baseUrl: string): ServerView {
  const { entry } = server;
  const view: ServerView = { name: server.name, type: server.transport, proxyUrl: `${baseUrl}/s/${server.name}/mcp` };
  if (entry.url) view.url = maskUrl(entry.url);
  if (entry.headers) view.headers = Object.fromEntries(Object.keys(entry.headers).map((k) => [k, MASK]));
  if (entry.command) view.command = entry.command;
  if (entry.args) view.args = maskArgs(entry.args, Object.values(entry.env ?? {}));
  if (entry.env) view.env = Object.fromEntries(Object.keys(entry.env).map((k) => [k, MASK]));
  if (entry.cwd) view.cwd = entry.cwd;
  return view;
}

export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.username) url.username = MASK;
    if (url.password) url.password = MASK;
    // Query values are where services put API keys; the names still say what is there.
    for (const name of new Set(url.searchParams.keys())) url.searchParams.set(name, MASK);
    return url.toString().replaceAll(encodeURIComponent(MASK), MASK);
  } catch {
    return MASK;
  }
}

function maskArgs(args: string[], envValues: string[]): string[] {
  const redactor = envValues.length ? createRedactor({ knownSecrets: envValues }) : displayRedactor;
  return args.map((arg, i) => {
    const previous = args[i - 1];
    if (previous !== undefined && SECRET_FLAG.test(previous)) return MASK;
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0 && SECRET_FLAG.test(arg.slice(0, eq))) return `${arg.slice(0, eq)}=${MASK}`;
    return redactor.text(arg).value;
  });
}
