import { dirname, isAbsolute, resolve } from 'node:path';
import { RegistryInputError, validateEntry, type ServerEntry } from '@mcp-gateway/gateway';
import { inHome, inProject, joinFor } from './paths.js';
import type { ClientAdapter, ClientContext, Translation } from './types.js';

// ~/.codex/config.toml (or $CODEX_HOME): [mcp_servers.<name>] with command/args/env/env_vars/cwd,
// or url with http_headers, env_http_headers (header → variable) and bearer_token_env_var.
// Codex ignores "headers"; enabled, enabled_tools and the timeouts stay in its file.
const MOVED = ['command', 'args', 'env', 'env_vars', 'cwd', 'url', 'bearer_token_env_var', 'http_headers', 'env_http_headers'];

function userFile(context: ClientContext): string {
  const dir = context.env.CODEX_HOME;
  return dir ? joinFor(context, dir, 'config.toml') : inHome(context, '.codex', 'config.toml');
}

const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const table = (value: unknown): Record<string, string> | null => {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return Object.values(value).every((v) => typeof v === 'string') ? (value as Record<string, string>) : null;
};

function translate(raw: Record<string, unknown>, context: ClientContext & { location: { scope: string; file: string } }): Translation {
  const needsEnv: string[] = [];
  let entry: ServerEntry;
  if (typeof raw.command === 'string') {
    if (raw.args !== undefined && !strings(raw.args)) return { ok: false, reason: '"args" is not a list of strings' };
    const env = table(raw.env);
    if (env === null) return { ok: false, reason: '"env" is not a table of strings' };
    if (raw.env_vars !== undefined && !strings(raw.env_vars)) return { ok: false, reason: '"env_vars" is not a list of names' };
    // env_vars: variables Codex passes through from its own environment; the gateway reads them from its own.
    for (const name of (raw.env_vars as string[] | undefined) ?? []) {
      env[name] = `\${env:${name}}`;
      needsEnv.push(name);
    }
    let cwd = typeof raw.cwd === 'string' ? raw.cwd : undefined;
    if (cwd !== undefined && !isAbsolute(cwd)) cwd = resolve(context.location.scope === 'user' ? dirname(context.location.file) : context.project, cwd);
    entry = {
      command: raw.command,
      ...(strings(raw.args) && raw.args.length > 0 ? { args: raw.args } : {}),
      ...(Object.keys(env).length > 0 ? { env } : {}),
      ...(cwd !== undefined ? { cwd } : {}),
    };
  } else if (typeof raw.url === 'string') {
    const headers = table(raw.http_headers);
    const fromEnv = table(raw.env_http_headers);
    if (headers === null || fromEnv === null) return { ok: false, reason: '"http_headers" and "env_http_headers" must be tables of strings' };
    const all: Record<string, string> = { ...headers };
    for (const [name, variable] of Object.entries(fromEnv)) {
      all[name] = `\${env:${variable}}`;
      needsEnv.push(variable);
    }
    if (typeof raw.bearer_token_env_var === 'string') {
      all.Authorization = `Bearer \${env:${raw.bearer_token_env_var}}`;
      needsEnv.push(raw.bearer_token_env_var);
    }
    entry = { type: 'http', url: raw.url, ...(Object.keys(all).length > 0 ? { headers: all } : {}) };
  } else {
    return { ok: false, reason: 'has neither "command" nor "url"' };
  }
  try {
    entry = validateEntry('imported', entry);
  } catch (error) {
    if (error instanceof RegistryInputError) return { ok: false, reason: error.message.replace(/^invalid server "imported": /, '') };
    throw error;
  }
  return { ok: true, entry, clientHeaders: {}, needsEnv, notes: [] };
}

export const codex: ClientAdapter = {
  id: 'codex',
  label: 'Codex CLI',
  format: 'toml',
  speaksHttp: true,
  locations: (context) => [
    { file: userFile(context), scope: 'user', container: ['mcp_servers'] },
    { file: inProject(context, '.codex', 'config.toml'), scope: 'project', container: ['mcp_servers'] },
  ],
  fileLocations: (file) => [{ file, scope: 'file', container: ['mcp_servers'] }],
  translate,
  rewrite: (raw, target) => {
    if (target.kind !== 'url') throw new Error('Codex entries are rewritten to a URL');
    return { remove: MOVED.filter((key) => key in raw && key !== 'url'), set: { url: target.url } };
  },
};
