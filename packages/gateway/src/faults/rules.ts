// The live set of fault rules: read from "faults" in mcp.json (and re-read
// when it changes), matched against traffic, counted in memory. Counters are
// not persisted: a restart gives `times` rules their shots again.
import { createHash, randomBytes } from 'node:crypto';
import type { Direction, FaultRule, FaultView } from '../types.js';
import { Breakpoints, type BreakpointOutcome, type HoldRequest } from './breakpoints.js';
import type { FaultInjector, FaultPoint, FiredFault } from './injector.js';
import { directionOf, type FaultRuleInput } from './schema.js';

export type FaultAuditEvent = 'fault.added' | 'fault.removed' | 'fault.changed' | 'faults.cleared';
export type FaultAuditDetail = Record<string, string | number | boolean | null | string[]>;

export interface FaultRulesOptions {
  /** "faults" in mcp.json as the registry last read it (validated). */
  read(): FaultRuleInput[];
  /** Called after every re-read of mcp.json. */
  onChange(listener: () => void): () => void;
  /** Read-modify-write of "faults" in mcp.json (locked, atomic), followed by a re-read. */
  write(mutate: (rules: unknown[]) => unknown[]): Promise<void>;
  audit(event: FaultAuditEvent, fields: { subject: string | null; detail: FaultAuditDetail; source: 'api' | 'gateway' }): void;
  breakpoints?: Breakpoints;
  now?: () => number;
  random?: () => number;
}

/** A request the rules cannot take (a duplicate id, no such rule). */
export class FaultInputError extends Error {
  override name = 'FaultInputError';
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

interface LiveRule {
  rule: FaultRule;
  text: string;
  direction: Direction;
  expiresAtMs: number | null;
  limit: number;
  /** `tools/*` is kept as "tools/". */
  methodPrefix: string | null;
}

/** A new rule as mcp.json keeps it: an id, and `ttlSeconds` turned into `expiresAt` (counted from now). */
export function prepareRule(input: FaultRuleInput, now: number, takenIds: ReadonlySet<string>): FaultRule {
  const { ttlSeconds, ...rest } = input;
  const id = input.id ?? newRuleId(takenIds);
  if (input.id !== undefined && takenIds.has(input.id)) throw new FaultInputError(`a fault rule with id "${input.id}" exists; remove it first or choose another id`, 409);
  const rule: FaultRule = { ...rest, id };
  if (ttlSeconds !== undefined) rule.expiresAt = new Date(now + ttlSeconds * 1000).toISOString();
  return rule;
}

function newRuleId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = `f-${randomBytes(3).toString('hex')}`;
    if (!taken.has(id)) return id;
  }
}

/** Audit detail of a rule: names and numbers only. */
export function ruleDetail(rule: FaultRule): FaultAuditDetail {
  return {
    server: rule.server,
    action: rule.action.type,
    method: rule.match?.method ?? null,
    tool: rule.match?.tool ?? null,
    direction: directionOf(rule),
    times: rule.times ?? null,
    probability: rule.probability ?? null,
    expiresAt: rule.expiresAt ?? null,
  };
}

export class FaultRules implements FaultInjector {
  private rules: LiveRule[] = [];
  private readonly fired = new Map<string, number>();
  /** For rules written by hand with ttlSeconds: when this gateway first saw them. */
  private readonly firstSeen = new Map<string, number>();
  /** Rule ids an API call is changing: their change is audited by the call, not by the reload. */
  private readonly viaApi = new Set<string>();
  private anyActive = false;
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  private readonly now: () => number;
  private readonly random: () => number;
  readonly breakpoints: Breakpoints;

  constructor(private readonly options: FaultRulesOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.breakpoints = options.breakpoints ?? new Breakpoints();
    this.sync(false);
    this.unsubscribe = options.onChange(() => this.sync(true));
  }

  get active(): boolean {
    return this.anyActive;
  }

  covers(server: string, session: string | null, direction: Direction): boolean {
    const now = this.now();
    return this.rules.some((r) => r.direction === direction && serverMatches(r, server) && sessionMatches(r, session) && this.live(r, now));
  }

  fire(point: FaultPoint): FiredFault | null {
    const now = this.now();
    for (const r of this.rules) {
      if (!matches(r, point) || !applies(r.rule, point) || !this.live(r, now)) continue;
      if (r.rule.probability !== undefined && this.random() >= r.rule.probability) continue;
      const count = (this.fired.get(r.rule.id) ?? 0) + 1;
      this.fired.set(r.rule.id, count);
      if (count >= r.limit) this.recompute();
      const action = r.rule.action;
      const delayMs = action.type === 'delay' ? action.ms + Math.round(this.random() * (action.jitterMs ?? 0)) : 0;
      return { ruleId: r.rule.id, action, delayMs };
    }
    return null;
  }

  hold(request: HoldRequest, signal: AbortSignal): Promise<BreakpointOutcome> {
    return this.breakpoints.hold(request, signal);
  }

  list(): FaultView[] {
    const now = this.now();
    return this.rules.map((r) => this.view(r, now));
  }

  /** The rules that can fire now (for /api/health and the banner). */
  activeRules(): FaultView[] {
    const now = this.now();
    return this.rules.filter((r) => this.live(r, now)).map((r) => this.view(r, now));
  }

  async add(input: FaultRuleInput): Promise<FaultView> {
    const rule = prepareRule(input, this.now(), new Set(this.rules.map((r) => r.rule.id)));
    await this.viaApiCall([rule.id], () =>
      this.options.write((rules) => {
        if (rules.some((r) => idOf(r) === rule.id)) throw new FaultInputError(`a fault rule with id "${rule.id}" exists; remove it first or choose another id`, 409);
        return [...rules, rule];
      }),
    );
    this.fired.delete(rule.id);
    this.options.audit('fault.added', { subject: rule.id, detail: ruleDetail(rule), source: 'api' });
    const added = this.rules.find((r) => r.rule.id === rule.id);
    return added ? this.view(added, this.now()) : { ...rule, expiresAt: rule.expiresAt ?? null, fired: 0, active: false };
  }

  async remove(id: string): Promise<FaultView> {
    const found = this.rules.find((r) => r.rule.id === id);
    if (!found) {
      const known = this.rules.map((r) => r.rule.id);
      throw new FaultInputError(`no fault rule "${id}"${known.length ? `; rules: ${known.join(', ')}` : '; there are none'}`, 404);
    }
    const view = this.view(found, this.now());
    await this.viaApiCall([id], () => this.options.write((rules) => rules.filter((r) => idOf(r) !== id)));
    this.options.audit('fault.removed', { subject: id, detail: ruleDetail(found.rule), source: 'api' });
    return view;
  }

  /** Removes every rule; returns how many there were. */
  async clear(): Promise<number> {
    const ids = this.rules.map((r) => r.rule.id);
    await this.viaApiCall(ids, () => this.options.write(() => []));
    this.options.audit('faults.cleared', { subject: null, detail: { removed: ids.length, rules: ids }, source: 'api' });
    return ids.length;
  }

  close(): void {
    this.unsubscribe();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.breakpoints.releaseAll();
  }

  private async viaApiCall(ids: string[], work: () => Promise<void>): Promise<void> {
    for (const id of ids) this.viaApi.add(id);
    try {
      await work();
    } finally {
      for (const id of ids) this.viaApi.delete(id);
    }
  }

  private view(r: LiveRule, now: number): FaultView {
    const { ttlSeconds: _ttl, expiresAt: _at, ...rule } = r.rule;
    return { ...rule, expiresAt: r.expiresAtMs === null ? null : new Date(r.expiresAtMs).toISOString(), fired: this.fired.get(r.rule.id) ?? 0, active: this.live(r, now) };
  }

  private live(r: LiveRule, now: number): boolean {
    return (r.expiresAtMs === null || now < r.expiresAtMs) && (this.fired.get(r.rule.id) ?? 0) < r.limit;
  }

  /** Takes the rules mcp.json has now; `audit`: tell the audit log what changed (not at start). */
  private sync(audit: boolean): void {
    const now = this.now();
    const next = this.options.read().map((input, index) => this.toLive(input, index, now));
    if (audit) this.auditChanges(next);
    const keep = new Map(next.map((r) => [r.rule.id, r.text]));
    // A counter belongs to a rule as it was written: an edited rule starts again.
    for (const r of this.rules) if (keep.get(r.rule.id) !== r.text) this.fired.delete(r.rule.id);
    for (const id of this.firstSeen.keys()) if (!keep.has(id)) this.firstSeen.delete(id);
    this.rules = next;
    this.recompute();
  }

  private toLive(input: FaultRuleInput, index: number, now: number): LiveRule {
    // A rule written by hand without an id gets one from its content, so it keeps it across reloads.
    const id = input.id ?? `f-${createHash('sha256').update(`${index}\u0000${JSON.stringify(input)}`).digest('hex').slice(0, 8)}`;
    const rule: FaultRule = { ...input, id };
    let expiresAtMs = rule.expiresAt === undefined ? null : Date.parse(rule.expiresAt);
    if (expiresAtMs === null && rule.ttlSeconds !== undefined) {
      const seen = this.firstSeen.get(id) ?? now;
      this.firstSeen.set(id, seen);
      expiresAtMs = seen + rule.ttlSeconds * 1000;
    }
    const onlyNext = rule.action.type === 'pause' && rule.action.onlyNext === true;
    const limit = Math.min(rule.times ?? Number.POSITIVE_INFINITY, onlyNext ? 1 : Number.POSITIVE_INFINITY);
    const method = rule.match?.method;
    return {
      rule,
      text: JSON.stringify(rule),
      direction: directionOf(rule),
      expiresAtMs,
      limit,
      methodPrefix: method?.endsWith('/*') ? method.slice(0, -1) : null,
    };
  }

  private auditChanges(next: LiveRule[]): void {
    const before = new Map(this.rules.map((r) => [r.rule.id, r]));
    const after = new Map(next.map((r) => [r.rule.id, r]));
    const note = (event: FaultAuditEvent, r: LiveRule): void => {
      if (!this.viaApi.has(r.rule.id)) this.options.audit(event, { subject: r.rule.id, detail: ruleDetail(r.rule), source: 'gateway' });
    };
    for (const [id, r] of after) {
      const old = before.get(id);
      if (!old) note('fault.added', r);
      else if (old.text !== r.text) note('fault.changed', r);
    }
    for (const [id, r] of before) if (!after.has(id)) note('fault.removed', r);
  }

  /** `active`, and a timer for the next expiry, so the flag drops when the last rule runs out. */
  private recompute(): void {
    const now = this.now();
    this.anyActive = this.rules.some((r) => this.live(r, now));
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    const next = Math.min(...this.rules.filter((r) => this.live(r, now) && r.expiresAtMs !== null).map((r) => r.expiresAtMs as number));
    if (Number.isFinite(next)) {
      this.expiryTimer = setTimeout(() => this.recompute(), Math.max(0, next - now) + 1);
      this.expiryTimer.unref();
    }
  }
}

function idOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
}

function serverMatches(r: LiveRule, server: string): boolean {
  return r.rule.server === '*' || r.rule.server === server;
}

function sessionMatches(r: LiveRule, session: string | null): boolean {
  const wanted = r.rule.match?.session;
  return wanted === undefined || wanted === session;
}

function matches(r: LiveRule, point: FaultPoint): boolean {
  if (r.direction !== point.direction || !serverMatches(r, point.server) || !sessionMatches(r, point.session)) return false;
  const match = r.rule.match;
  if (match?.method !== undefined) {
    if (point.method === null) return false;
    if (r.methodPrefix !== null ? !point.method.startsWith(r.methodPrefix) : point.method !== match.method) return false;
  }
  return match?.tool === undefined || match.tool === point.tool;
}

/** Whether the action can act on this kind of message at this point. */
function applies(rule: FaultRule, point: FaultPoint): boolean {
  const { action } = rule;
  if (point.phase === 'stream') return action.type === 'cut';
  if (action.type === 'cut') return false;
  const answer = point.kind === 'response' || point.kind === 'error';
  const requestOrAnswer = point.direction === 'client_to_server' ? point.kind === 'request' : answer;
  switch (action.type) {
    case 'error':
      return requestOrAnswer;
    case 'toolError':
      return requestOrAnswer && point.method === 'tools/call';
    case 'drop':
      return point.kind === 'notification';
    case 'http':
      return point.direction === 'client_to_server';
    case 'rewrite':
      return point.kind !== 'invalid' && point.kind !== null;
    default:
      return true;
  }
}
