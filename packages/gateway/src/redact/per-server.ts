import { expandReferences } from '../registry/env-references.js';
import type { LiveRegistry, ResolvedServer } from '../registry/registry.js';
import type { RedactionSetting } from '../registry/schema.js';
import { createRedactor } from './redactor.js';
import type { ExtraPattern, RedactionMode, Redactor, RedactorOptions } from './types.js';

/**
 * One redactor per server: the gateway-wide redaction settings, the server's
 * own override, and the secrets its entry configures (as written and as
 * `${env:NAME}` expands them). Rebuilt whenever mcp.json changes.
 */
export function redactorsFor(registry: LiveRegistry): (server: string) => Redactor {
  let cache = new Map<string, Redactor>();
  registry.onChange(() => {
    cache = new Map();
  });
  return (name) => {
    let redactor = cache.get(name);
    if (!redactor) {
      redactor = createRedactor(redactorOptions(registry.settings().redaction, registry.get(name)));
      cache.set(name, redactor);
    }
    return redactor;
  };
}

export function redactorOptions(global: RedactionSetting, server: ResolvedServer | undefined): RedactorOptions {
  const shared = normalize(global);
  const own = normalize(server?.entry.redaction);
  return {
    mode: own.mode ?? shared.mode ?? 'default',
    knownSecrets: server ? configuredSecrets(server) : [],
    extraKeys: [...shared.keys, ...own.keys],
    extraPatterns: [...shared.patterns, ...own.patterns],
  };
}

function normalize(setting: RedactionSetting | undefined): { mode?: RedactionMode; keys: string[]; patterns: ExtraPattern[] } {
  if (setting === undefined) return { keys: [], patterns: [] };
  if (typeof setting === 'string') return { mode: setting, keys: [], patterns: [] };
  return { ...(setting.mode ? { mode: setting.mode } : {}), keys: setting.keys ?? [], patterns: setting.patterns ?? [] };
}

function configuredSecrets(server: ResolvedServer): string[] {
  const { headers, env } = server.entry;
  const values = [...Object.values(headers ?? {}), ...Object.values(env ?? {})];
  // Mask both forms: what mcp.json says and what ${env:NAME} turns into.
  return values.flatMap((value) => [value, ...expanded(value)]);
}

function expanded(value: string): string[] {
  try {
    const result = expandReferences(value, process.env, 'secret');
    return result === value ? [] : [result];
  } catch {
    return [];
  }
}
