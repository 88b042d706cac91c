// The analyzer: stored messages in, write ops out (definitions, baselines and
// alerts, for the batch writer). Synchronous and in memory, so it can run on
// its own thread (worker.ts) and in tests alike; what it needs from the
// database it is given as functions.
import { canonicalJson, KIND_FIELD, sha256, type CanonicalList, type Json } from '../definitions/canonical.js';
import { Collector, type AnalysisRow, type ClientInfo, type CollectorOptions, type EntrySource, type Observation } from '../definitions/collector.js';
import { compareLists, type DefinitionChange } from '../definitions/drift.js';
import type { AlertWrite } from '../store/alerts.js';
import type { BaselineRow } from '../store/definitions.js';
import type { WriteOp } from '../store/rows.js';
import type { Alert, AlertKind, DefinitionKind } from '../types.js';
import { DRIFT_RULES, driftRuleOf } from './drift-rules.js';
import { POISONING_RULES, type ScanContext } from './rules.js';
import { definitionFields, jsonPath, resultFields, scanFields, type Finding } from './scanner.js';

export interface AnalyzerOptions {
  /** Baselines and alerts already stored (the analyzer continues their ids and dedup keys), and who has which tool. */
  baselines?: readonly BaselineRow[];
  alerts?: ReadonlyArray<{ dedupKey: string; alert: Alert }>;
  toolNames?: ReadonlyMap<string, readonly string[]>;
  /** A stored definition list by hash (a baseline's entries). */
  definitionSet?: (hash: string) => CanonicalList | null;
  collector?: CollectorOptions;
  /** How far apart two clients' lists may be, in time, to count as bait and switch (default one hour). */
  baitWindowMs?: number;
}

interface SeenList {
  list: CanonicalList;
  session: string | null;
  client: ClientInfo;
  serverVersion: string | null;
  messageId: number;
  timestamp: number;
}

const SEVERITY = new Map([...POISONING_RULES, ...DRIFT_RULES].map((rule) => [rule.id, rule.severity]));
/** Only tool and prompt lists are compared across clients: resource lists legitimately follow each client's roots. */
const BAIT_KINDS: ReadonlySet<DefinitionKind> = new Set(['tools', 'prompts']);
const MAX_SESSIONS = 10_000;
/** Distinct lists kept for sharing (a server has a handful; more only when they change often). */
const MAX_LISTS = 1_000;

interface Raise {
  kind: AlertKind;
  rule: string;
  server: string;
  session: string | null;
  messageId: number;
  timestamp: number;
  path: string;
  match?: Alert['match'];
  decoded?: string | null;
  before?: string | null;
  after?: string | null;
  /** What makes this alert this one: with the server and the rule, its dedup key. */
  content: string;
}

export class Analyzer {
  private readonly collector: Collector;
  private readonly baselines = new Map<string, { hash: string; list: CanonicalList | null }>();
  private readonly alerts = new Map<string, Alert>();
  private nextAlertId = 1;
  private readonly knownSets = new Set<string>();
  private readonly sessionLists = new Map<string, SeenList>();
  /** Per server and kind: the latest list each client (name and version) was given. */
  private readonly clientLists = new Map<string, Map<string, SeenList>>();
  private readonly serverTools = new Map<string, ReadonlySet<string>>();
  private servers: readonly string[] = [];
  private readonly contexts = new Map<string, ScanContext>();
  /** One object per distinct list (by hash), shared by every session that got it. */
  private readonly lists = new Map<string, CanonicalList>();

  constructor(private readonly options: AnalyzerOptions = {}) {
    this.collector = new Collector(options.collector);
    this.setBaselines(options.baselines ?? []);
    for (const { dedupKey, alert } of options.alerts ?? []) {
      this.alerts.set(dedupKey, alert);
      this.nextAlertId = Math.max(this.nextAlertId, alert.id + 1);
    }
    for (const [server, names] of options.toolNames ?? []) this.serverTools.set(server, new Set(names));
  }

  /** The session was deleted: nothing more of it comes, so what is kept for it goes. */
  endSession(server: string, session: string): void {
    for (const kind of Object.keys(KIND_FIELD)) this.sessionLists.delete(`${server}\u0000${session}\u0000${kind}`);
    this.collector.endSession(server, session);
  }

  /** The registered servers (for the shadowing rule). */
  setServers(names: readonly string[]): void {
    this.servers = names;
    this.contexts.clear();
  }

  /** Baselines changed outside the analyzer (someone accepted new ones): these replace the server's. */
  setBaselines(rows: readonly BaselineRow[], server?: string): void {
    if (server !== undefined) for (const key of [...this.baselines.keys()]) if (key.startsWith(`${server}\u0000`)) this.baselines.delete(key);
    for (const row of rows) this.baselines.set(`${row.server}\u0000${row.kind}`, { hash: row.setHash, list: null });
  }

  analyze(rows: readonly AnalysisRow[]): WriteOp[] {
    const ops: WriteOp[] = [];
    for (const row of rows) for (const observation of this.collector.observe(row)) this.handle(observation, ops);
    return ops;
  }

  private handle(observation: Observation, ops: WriteOp[]): void {
    if (observation.type === 'result') {
      this.findings(scanFields(resultFields(observation.method, observation.result), this.context(observation.server)), observation, ops);
    } else if (observation.type === 'page') {
      const field = KIND_FIELD[observation.kind];
      const raw = observation.kind === 'initialize' ? [observation.result] : (observation.result[field] as Json[]);
      const own = new Set(observation.kind === 'tools' ? observation.entries.map((e) => e.entry.key) : []);
      const context = this.context(observation.server, own);
      for (const { index } of observation.entries) {
        const path = observation.kind === 'initialize' ? '$.result' : jsonPath('$.result', field, index);
        this.findings(scanFields(definitionFields(observation.kind, raw[index] as Json, path), context), observation, ops);
      }
    } else if (!observation.replay) this.list(observation, ops);
  }

  private findings(findings: readonly Finding[], at: Observation, ops: WriteOp[]): void {
    for (const finding of findings) {
      this.raise(ops, {
        kind: 'poisoning',
        rule: finding.rule.id,
        server: at.server,
        session: at.session,
        messageId: at.messageId,
        timestamp: at.timestamp,
        path: finding.path,
        match: finding.match,
        decoded: finding.decoded,
        content: `${sha256(finding.field)}:${finding.match.start}`,
      });
    }
  }

  private list(observation: Extract<Observation, { type: 'list' }>, ops: WriteOp[]): void {
    const { list, server, session, client } = observation;
    const kind = list.kind;
    if (!this.knownSets.has(list.hash)) {
      this.knownSets.add(list.hash);
      ops.push({ op: 'definition-set', row: { hash: list.hash, kind, entries: list.entries } });
    }
    ops.push({
      op: 'definition-snapshot',
      row: {
        timestamp: observation.timestamp,
        server,
        sessionId: session,
        clientName: client.name,
        clientVersion: client.version,
        serverVersion: observation.serverVersion,
        kind,
        setHash: list.hash,
        messageId: observation.messageId,
      },
    });
    if (kind === 'tools') {
      this.serverTools.set(server, new Set(list.entries.map((e) => e.key)));
      this.contexts.clear();
    }
    // Sessions mostly get the same lists: kept once, not once per session (measured: ~2 KB per
    // session with a tools list, growing the thread's heap until the session cap).
    const shared = this.lists.get(list.hash) ?? list;
    if (shared === list) remember(this.lists, list.hash, list, MAX_LISTS);
    const seen: SeenList = { list: shared, session, client, serverVersion: observation.serverVersion, messageId: observation.messageId, timestamp: observation.timestamp };
    const at = { server, session, messageId: observation.messageId, timestamp: observation.timestamp };
    const listPath = kind === 'initialize' ? '$.result' : jsonPath('$.result', KIND_FIELD[kind]);

    const baseline = this.baselines.get(`${server}\u0000${kind}`);
    if (!baseline) {
      this.baselines.set(`${server}\u0000${kind}`, { hash: list.hash, list });
      const row: BaselineRow = { server, kind, setHash: list.hash, acceptedAt: observation.timestamp, source: 'first-use', sessionId: session, messageId: observation.messageId };
      ops.push({ op: 'baseline', row });
    } else if (baseline.hash !== list.hash) {
      baseline.list ??= this.options.definitionSet?.(baseline.hash) ?? null;
      if (baseline.list) for (const change of compareLists(baseline.list, list)) this.raise(ops, { ...at, ...driftAlert(change, observation.sources, observation.messageId) });
    }

    const sessionKey = `${server}\u0000${session ?? ''}\u0000${kind}`;
    // A session has one initialize: its answer never recurs in it, so it is not kept per session
    // (kept, it filled this map to its cap over the first 10,000 sessions: ~1.7 KB each).
    const inSession = session !== null && kind !== 'initialize';
    const previous = inSession ? this.sessionLists.get(sessionKey) : undefined;
    if (previous && previous.list.hash !== list.hash && compareLists(previous.list, list).some((c) => c.type !== 'added')) {
      this.raise(ops, {
        ...at,
        kind: 'drift',
        rule: 'drift-in-session',
        path: listPath,
        before: summary(previous, 'earlier in this session'),
        after: summary(seen, 'now'),
        content: `${kind}:${previous.list.hash}:${list.hash}`,
      });
    }
    if (inSession) remember(this.sessionLists, sessionKey, seen);

    if (BAIT_KINDS.has(kind) && client.name !== null) {
      const clientKey = `${client.name} ${client.version ?? ''}`;
      const byClient = this.clientLists.get(`${server}\u0000${kind}`) ?? new Map<string, SeenList>();
      this.clientLists.set(`${server}\u0000${kind}`, byClient);
      const window = this.options.baitWindowMs ?? 3_600_000;
      let other: SeenList | undefined;
      for (const [key, candidate] of byClient) {
        if (key === clientKey || candidate.serverVersion !== observation.serverVersion || observation.timestamp - candidate.timestamp > window) continue;
        if (!other || candidate.timestamp > other.timestamp) other = candidate;
      }
      if (other && other.list.hash !== list.hash) {
        this.raise(ops, {
          ...at,
          kind: 'drift',
          rule: 'drift-bait-and-switch',
          path: listPath,
          before: summary(other, 'given to another client'),
          after: summary(seen, 'given to this client'),
          content: `${kind}:${[other.list.hash, list.hash].sort().join(':')}`,
        });
      }
      remember(byClient, clientKey, seen);
    }
  }

  private context(server: string, own: ReadonlySet<string> = new Set()): ScanContext {
    const cached = own.size === 0 ? this.contexts.get(server) : undefined;
    if (cached) return cached;
    const mine = new Set([...(this.serverTools.get(server) ?? []), ...own]);
    const foreign = new Set<string>();
    for (const [other, names] of this.serverTools) if (other !== server) for (const name of names) if (!mine.has(name)) foreign.add(name);
    const otherServers = [...new Set([...this.servers, ...this.serverTools.keys()])].filter((name) => name !== server);
    const context: ScanContext = { server, otherServers, foreignTools: foreign };
    if (own.size === 0) this.contexts.set(server, context);
    return context;
  }

  private raise(ops: WriteOp[], raise: Raise): void {
    const dedupKey = `${raise.server}\u0000${raise.rule}\u0000${sha256(raise.content)}`;
    const existing = this.alerts.get(dedupKey);
    let alert: Alert;
    if (existing) {
      // Seen again in the same message (a field scanned twice): one sighting.
      if (existing.messageId === raise.messageId) return;
      alert = { ...existing, session: raise.session, messageId: raise.messageId, path: raise.path, lastSeen: Math.max(existing.lastSeen, raise.timestamp), seen: existing.seen + 1 };
    } else {
      alert = {
        id: this.nextAlertId++,
        kind: raise.kind,
        rule: raise.rule,
        severity: SEVERITY.get(raise.rule) ?? 'warning',
        server: raise.server,
        session: raise.session,
        messageId: raise.messageId,
        path: raise.path,
        match: raise.match ?? null,
        decoded: raise.decoded ?? null,
        before: raise.before ?? null,
        after: raise.after ?? null,
        firstSeen: raise.timestamp,
        lastSeen: raise.timestamp,
        seen: 1,
      };
    }
    this.alerts.set(dedupKey, alert);
    const write: AlertWrite = { alert, dedupKey, sighting: { messageId: raise.messageId, sessionId: raise.session, timestamp: raise.timestamp } };
    ops.push({ op: 'alert', write });
  }
}

const jsonText = (value: Json | undefined): string | null => (value === undefined ? null : canonicalJson(value));

/** Where a change is in the later list's message, and what it was and is. */
function driftAlert(change: DefinitionChange, sources: ReadonlyMap<string, EntrySource>, lastMessageId: number): Omit<Raise, 'server' | 'session' | 'timestamp'> {
  const field = KIND_FIELD[change.kind];
  const source = sources.get(change.key);
  const base = change.kind === 'initialize' ? '$.result' : jsonPath('$.result', field, source?.index ?? 0);
  const common = { kind: 'drift' as const, rule: driftRuleOf(change), messageId: source?.messageId ?? lastMessageId };
  const content = (where: unknown, before: string | null, after: string | null): string => canonicalJson([change.kind, change.type, change.key, where, before, after]);
  switch (change.type) {
    case 'added':
      return { ...common, path: base, before: null, after: change.key, content: content(null, null, change.entry.hash) };
    case 'removed':
      return { ...common, messageId: lastMessageId, path: jsonPath('$.result', field), before: change.key, after: null, content: content(null, change.entry.hash, null) };
    case 'renamed':
      return { ...common, path: base, before: change.from.key, after: change.key, content: content(null, change.from.hash, change.entry.hash) };
    case 'text':
      return { ...common, path: jsonPath(base, change.field), before: change.before, after: change.after, content: content(change.field, change.before, change.after) };
    case 'schema': {
      const [before, after] = [jsonText(change.before), jsonText(change.after)];
      return { ...common, path: jsonPath(base, change.field, ...change.path), before, after, content: content([change.field, ...change.path], before, after) };
    }
    case 'annotation': {
      const [before, after] = [jsonText(change.before), jsonText(change.after)];
      return { ...common, path: jsonPath(base, 'annotations', change.name), before, after, content: content(change.name, before, after) };
    }
    case 'metadata': {
      const [before, after] = [jsonText(change.before), jsonText(change.after)];
      return { ...common, path: jsonPath(base, change.field), before, after, content: content(change.field, before, after) };
    }
  }
}

/** A list as a reader compares it: who got it, then one line per entry (key, short hash, start of its description). */
function summary(seen: SeenList, what: string): string {
  const client = seen.client.name === null ? 'an unknown client' : `client ${[seen.client.name, seen.client.version].filter(Boolean).join(' ')}`;
  const lines = seen.list.entries.map((entry) => {
    const description = typeof entry.definition.description === 'string' ? entry.definition.description.split('\n')[0]?.slice(0, 80) : '';
    return `${entry.key}  sha256:${entry.hash.slice(0, 12)}${description ? `  ${description}` : ''}`;
  });
  return [`${what}: ${client}, session ${seen.session ?? '(none)'}, message ${seen.messageId}`, ...lines].join('\n');
}

function remember<K, V>(map: Map<K, V>, key: K, value: V, max = MAX_SESSIONS): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}
