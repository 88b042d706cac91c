import { dirname, isAbsolute, resolve } from 'node:path';
import { RegistryInputError, validateEntry, type ServerEntry } from '@mcp-gateway/gateway';
import { translateReferences, type ReferenceStyle } from './references.js';
import type { EntryContext, EntryEdit, RewriteTarget, Translation } from './types.js';

/** How a client with an `mcpServers`-like object writes an entry (all but Codex and Zed's old form). */
export interface StandardShape {
  /** The client, for messages. */
  label: string;
  /** Keys that may hold the URL, first match wins; `transport` is what that key means when no `type` says otherwise. */
  urlKeys: Array<{ key: string; transport: 'http' | 'sse' | 'detect' }>;
  /** The key a rewritten entry's proxy URL goes in, and the `type` it gets (none: the key is removed). */
  rewriteUrl: { key: string; type?: string };
  references: ReferenceStyle;
}

const STDIO_KEYS = ['command', 'args', 'env', 'envFile', 'cwd'];
const HTTP_TYPES: Record<string, 'http' | 'sse'> = { http: 'http', 'streamable-http': 'http', streamableHttp: 'http', sse: 'sse' };

function stringRecord(value: unknown): Record<string, string> | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === 'string') ? (Object.fromEntries(entries) as Record<string, string>) : null;
}

export function translateStandard(raw: Record<string, unknown>, shape: StandardShape, context: EntryContext): Translation {
  const needsEnv = new Set<string>();
  const notes: string[] = [];
  const clientOnly: string[] = [];
  const tr = (value: string): string => {
    const t = translateReferences(value, shape.references, context);
    for (const name of t.env) needsEnv.add(name);
    notes.push(...t.notes);
    clientOnly.push(...t.clientOnly);
    return t.value;
  };
  const onlyClient = (what: string): Translation => ({
    ok: false,
    reason: `${what} uses ${[...new Set(clientOnly)].join(', ')}, which only ${shape.label} can fill in; register it by hand with mcp-gateway server add`,
  });

  let entry: ServerEntry;
  const clientHeaders: Record<string, string> = {};
  if (typeof raw.command === 'string') {
    if (raw.envFile !== undefined) {
      return { ok: false, reason: 'uses "envFile", which the gateway does not read; register it by hand with mcp-gateway server add --env KEY=VALUE' };
    }
    const args = raw.args;
    if (args !== undefined && !(Array.isArray(args) && args.every((a) => typeof a === 'string'))) return { ok: false, reason: '"args" is not a list of strings' };
    const env = stringRecord(raw.env);
    if (env === null) return { ok: false, reason: '"env" is not an object of strings' };
    const command = tr(raw.command);
    const translatedArgs = (args as string[] | undefined)?.map(tr);
    const translatedEnv = env && Object.fromEntries(Object.entries(env).map(([k, v]) => [k, tr(v)]));
    let cwd = typeof raw.cwd === 'string' ? tr(raw.cwd) : undefined;
    if (clientOnly.length > 0) return onlyClient('its command');
    // The gateway runs from its own folder: a relative cwd means the project's (or the file's) folder.
    if (cwd !== undefined && !isAbsolute(cwd)) cwd = resolve(context.location.scope === 'user' ? dirname(context.location.file) : context.project, cwd);
    entry = {
      command,
      ...(translatedArgs && translatedArgs.length > 0 ? { args: translatedArgs } : {}),
      ...(translatedEnv && Object.keys(translatedEnv).length > 0 ? { env: translatedEnv } : {}),
      ...(cwd !== undefined ? { cwd } : {}),
    };
  } else {
    const found = shape.urlKeys.find(({ key }) => typeof raw[key] === 'string');
    if (!found) return { ok: false, reason: `has neither "command" nor ${shape.urlKeys.map((u) => `"${u.key}"`).join(' or ')}` };
    const url = tr(raw[found.key] as string);
    if (clientOnly.length > 0) return onlyClient('its URL');
    const declared = typeof raw.type === 'string' ? HTTP_TYPES[raw.type] : undefined;
    const transport = declared ?? (found.transport === 'detect' ? undefined : found.transport);
    const headers = stringRecord(raw.headers);
    if (headers === null) return { ok: false, reason: '"headers" is not an object of strings' };
    const moved: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers ?? {})) {
      const before = clientOnly.length;
      const translated = tr(value);
      if (clientOnly.length > before) clientHeaders[name] = value;
      else moved[name] = translated;
    }
    if (Object.keys(clientHeaders).length > 0) {
      notes.push(`header ${Object.keys(clientHeaders).join(', ')} stays in ${shape.label}'s entry (only it can fill it in); the gateway forwards it`);
      clientOnly.length = 0;
    }
    entry = { ...(transport ? { type: transport } : {}), url, ...(Object.keys(moved).length > 0 ? { headers: moved } : {}) };
  }
  try {
    entry = validateEntry('imported', entry);
  } catch (error) {
    if (error instanceof RegistryInputError) return { ok: false, reason: error.message.replace(/^invalid server "imported": /, '') };
    throw error;
  }
  return { ok: true, entry, clientHeaders, needsEnv: [...needsEnv], notes: [...new Set(notes)] };
}

/** Points an entry at the gateway: its URL key (or command) set, what the gateway now holds (command, env, headers) removed. */
export function rewriteStandard(
  raw: Record<string, unknown>,
  target: RewriteTarget,
  clientHeaders: Record<string, string>,
  shape: Pick<StandardShape, 'urlKeys' | 'rewriteUrl'>,
): EntryEdit {
  const present = (keys: string[]): string[] => keys.filter((key) => key in raw);
  const keepHeaders = Object.keys(clientHeaders).length > 0;
  if (target.kind === 'command') {
    return {
      remove: present(['env', 'envFile', 'cwd', 'type', 'headers', ...shape.urlKeys.map((u) => u.key)]),
      set: { command: target.command, args: target.args },
    };
  }
  const { key, type } = shape.rewriteUrl;
  const remove = present([...STDIO_KEYS, ...shape.urlKeys.map((u) => u.key).filter((k) => k !== key), ...(type ? [] : ['type']), ...(keepHeaders ? [] : ['headers'])]);
  return { remove, set: { ...(type ? { type } : {}), [key]: target.url, ...(keepHeaders ? { headers: clientHeaders } : {}) } };
}
