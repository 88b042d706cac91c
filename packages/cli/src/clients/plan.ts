import type { ServerEntry } from '@mcp-gateway/gateway';
import { uniqueName, validName } from './names.js';
import type { FoundServer } from './read.js';

/**
 * - register: new to mcp.json
 * - replace: a server of that name exists and differs; --force replaces it
 * - same: already registered exactly so (an earlier import); nothing to write, the entry may still be rewritten
 * - skip: not imported; `reason` says why
 */
export type ImportAction = 'register' | 'replace' | 'same' | 'skip';

export interface PlannedServer {
  found: FoundServer;
  /** The gateway's name for it. */
  name: string;
  action: ImportAction;
  reason?: string;
  entry?: ServerEntry;
  clientHeaders: Record<string, string>;
  needsEnv: string[];
  notes: string[];
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** An entry that already reaches some gateway: importing it would make the gateway its own upstream. */
export function throughGateway(entry: ServerEntry): boolean {
  if (entry.url) {
    try {
      const url = new URL(entry.url);
      return LOOPBACK.test(url.hostname) && /^\/s\/[^/]+\/(mcp|sse)\/?$/.test(url.pathname);
    } catch {
      return false;
    }
  }
  const words = [entry.command ?? '', ...(entry.args ?? [])];
  return words.includes('connect') && words.some((w) => /(^|[\\/])mcp-gateway(\.cmd|\.exe)?$|[\\/]cli[\\/]dist[\\/]main\.js$/.test(w));
}

/** The keys mcp.json and the gateway act on, in one order, so two entries compare equal when they mean the same. */
function canonical(entry: ServerEntry): string {
  const { type, url, headers, command, args, env, cwd } = entry;
  return JSON.stringify({ type: type === 'http' ? undefined : type, url, headers, command, args, env, cwd });
}

/**
 * What to do with each server found. Names are made valid (renames are
 * reported by the caller, who sees `name !== clientName`); an entry found in
 * two files (user and project scope) with the same definition is registered
 * once; a name that is already taken is never overwritten without `force`.
 */
export function planImport(servers: FoundServer[], registered: Record<string, ServerEntry>, options: { force: boolean }): PlannedServer[] {
  const existing = new Map(Object.entries(registered).map(([name, entry]) => [name.toLowerCase(), { name, entry }]));
  const claimed = new Map<string, { key: string; plan: PlannedServer }>(); // lower-case name → its first plan in this import
  const plans: PlannedServer[] = [];
  for (const found of servers) {
    const base = validName(found.clientName);
    const { translation } = found;
    if (!translation.ok) {
      plans.push({ found, name: base, action: 'skip', reason: translation.reason, clientHeaders: {}, needsEnv: [], notes: [] });
      continue;
    }
    const { entry } = translation;
    const common = { found, entry, clientHeaders: translation.clientHeaders, needsEnv: translation.needsEnv, notes: translation.notes };
    if (throughGateway(entry)) {
      plans.push({ ...common, name: base, action: 'skip', reason: 'already goes through the gateway' });
      continue;
    }
    const key = canonical(entry);
    const name = uniqueName(base, (candidate) => {
      const mine = claimed.get(candidate.toLowerCase());
      return mine !== undefined && mine.key !== key;
    });
    const first = claimed.get(name.toLowerCase());
    let plan: PlannedServer;
    const previous = existing.get(name.toLowerCase());
    if (first) {
      // The same server in a second file (user and project scope): one registration, both entries rewritten alike.
      plan = first.plan.action === 'skip' ? { ...common, name, action: 'skip', reason: first.plan.reason } : { ...common, name, action: 'same', reason: 'found in another file too' };
    } else if (!previous) {
      plan = { ...common, name, action: 'register' };
    } else if (previous.name === name && canonical(previous.entry) === key) {
      plan = { ...common, name, action: 'same', reason: 'already registered' };
    } else if (options.force && previous.name === name) {
      plan = { ...common, name, action: 'replace' };
    } else {
      plan = {
        ...common,
        name,
        action: 'skip',
        reason:
          previous.name === name
            ? `a different server named "${name}" is already registered; pass --force to replace it`
            : `server "${previous.name}" is already registered and differs only in case`,
      };
    }
    if (!first) claimed.set(name.toLowerCase(), { key, plan });
    plans.push(plan);
  }
  return plans;
}
