import { describe, expect, it } from 'vitest';
import type { FaultPoint } from './injector.js';
import { patchMessage } from './messages.js';
import { FaultRules, type FaultAuditEvent } from './rules.js';
import { faultListSchema, faultRuleInputSchema, type FaultRuleInput } from './schema.js';

function rulesOf(initial: FaultRuleInput[], extra: { now?: () => number; random?: () => number } = {}) {
  let current = initial;
  const listeners = new Set<() => void>();
  const audited: Array<{ event: FaultAuditEvent; subject: string | null; source: string }> = [];
  const rules = new FaultRules({
    read: () => current,
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    write: async (mutate) => {
      current = mutate(current) as FaultRuleInput[];
      for (const listener of listeners) listener();
    },
    audit: (event, fields) => audited.push({ event, subject: fields.subject, source: fields.source }),
    ...extra,
  });
  const edit = (next: FaultRuleInput[]): void => {
    current = next;
    for (const listener of listeners) listener();
  };
  return { rules, audited, edit };
}

const call = (tool: string, extra: Partial<FaultPoint> = {}): FaultPoint => ({
  server: 'up', session: 's1', direction: 'client_to_server', kind: 'request', method: 'tools/call', tool, phase: 'message', ...extra,
});

describe('the rule schema', () => {
  it('takes every action of the contract and refuses what could never fire', () => {
    for (const action of [
      { type: 'delay', ms: 5, jitterMs: 2, on: 'response' }, { type: 'error', code: -1, message: 'm' }, { type: 'toolError', text: 't' }, { type: 'hang' },
      { type: 'http', status: 429, headers: { 'Retry-After': '1' }, body: 'x' }, { type: 'cut', afterEvents: 1 }, { type: 'reset' }, { type: 'drop' },
      { type: 'rewrite', patch: [{ op: 'replace', path: '/result', value: {} }] }, { type: 'pause', timeoutMs: 10, onlyNext: true },
    ]) expect(faultRuleInputSchema.safeParse({ server: 'up', action }).success, action.type).toBe(true);
    const refused = (rule: unknown): string => {
      const parsed = faultRuleInputSchema.safeParse(rule);
      expect(parsed.success).toBe(false);
      return parsed.error?.issues[0]?.message ?? '';
    };
    expect(refused({ server: 'up', action: { type: 'cut' }, match: { direction: 'client_to_server' } })).toMatch(/closes an answer stream/);
    expect(refused({ server: 'up', action: { type: 'toolError' }, match: { method: 'tools/list' } })).toMatch(/answers a tools\/call/);
    expect(refused({ server: 'up', action: { type: 'delay', ms: 1, on: 'request' }, match: { direction: 'server_to_client' } })).toMatch(/make it agree/);
    expect(refused({ server: 'up', action: { type: 'error' }, match: { method: 'to*ls' } })).toMatch(/prefix ending in/);
    expect(refused({ server: 'up', action: { type: 'error' }, probability: 0 })).toBeTruthy();
    expect(refused({ server: 'up', action: { type: 'rewrite', patch: [{ op: 'replace', path: 'no-slash', value: 1 }] } })).toMatch(/JSON Pointer/);
    expect(faultListSchema.safeParse([{ id: 'a', server: 'x', action: { type: 'hang' } }, { id: 'a', server: 'y', action: { type: 'hang' } }]).success).toBe(false);
  });
});

describe('FaultRules', () => {
  it('is inactive with no rules, and matches server, method (exact or prefix), tool, direction and session', () => {
    expect(rulesOf([]).rules.active).toBe(false);
    const { rules } = rulesOf([
      { id: 'a', server: 'up', match: { method: 'tools/*', tool: 'echo', session: 's1' }, action: { type: 'error' } },
      { id: 'b', server: '*', match: { method: 'resources/read' }, action: { type: 'delay', ms: 5, on: 'response' } },
    ]);
    expect(rules.active).toBe(true);
    expect(rules.fire(call('echo'))?.ruleId).toBe('a');
    expect(rules.fire(call('other'))).toBeNull();
    expect(rules.fire(call('echo', { session: 's2' }))).toBeNull();
    expect(rules.fire(call('echo', { server: 'down' }))).toBeNull();
    expect(rules.fire({ ...call('x'), method: 'resources/read', tool: null, server: 'any', direction: 'server_to_client', kind: 'response' })?.ruleId).toBe('b');
    expect(rules.fire({ ...call('x'), method: 'resources/read', tool: null })).toBeNull();
    expect(rules.covers('up', 's1', 'client_to_server')).toBe(true);
    expect(rules.covers('up', 's2', 'client_to_server')).toBe(false);
  });

  it('acts only where an action can: errors on requests, drops on notifications, cuts on streams', () => {
    const { rules } = rulesOf([
      { id: 'e', server: 'up', action: { type: 'error' } },
      { id: 'd', server: 'up', action: { type: 'drop' } },
      { id: 'c', server: 'up', action: { type: 'cut' } },
    ]);
    expect(rules.fire(call('x', { kind: 'notification', method: 'notifications/initialized', tool: null }))).toBeNull();
    expect(rules.fire({ ...call('x'), direction: 'server_to_client', kind: 'notification' })?.ruleId).toBe('d');
    expect(rules.fire({ ...call('x'), direction: 'server_to_client', kind: 'response' })).toBeNull();
    expect(rules.fire({ ...call('x'), direction: 'server_to_client', phase: 'stream' })?.ruleId).toBe('c');
  });

  it('counts times and onlyNext, draws probability, and stops at expiresAt', () => {
    let now = 1_000_000;
    const draws = [0.1, 0.9, 0.2, 0.5];
    const { rules } = rulesOf(
      [
        { id: 't', server: 'up', match: { tool: 'times' }, action: { type: 'error' }, times: 2 },
        { id: 'p', server: 'up', match: { tool: 'chance' }, action: { type: 'error' }, probability: 0.3 },
        { id: 'x', server: 'up', match: { tool: 'ttl' }, action: { type: 'error' }, expiresAt: new Date(now + 1000).toISOString() },
        { id: 'n', server: 'up', match: { tool: 'next' }, action: { type: 'pause', onlyNext: true } },
      ],
      { now: () => now, random: () => draws.shift() ?? 0.99 },
    );
    expect([rules.fire(call('times')), rules.fire(call('times')), rules.fire(call('times'))].map((f) => f?.ruleId ?? null)).toEqual(['t', 't', null]);
    expect([rules.fire(call('chance')), rules.fire(call('chance')), rules.fire(call('chance')), rules.fire(call('chance'))].map((f) => f?.ruleId ?? null)).toEqual(['p', null, 'p', null]);
    expect([rules.fire(call('next')), rules.fire(call('next'))].map((f) => f?.ruleId ?? null)).toEqual(['n', null]);
    expect(rules.fire(call('ttl'))?.ruleId).toBe('x');
    now += 1000;
    expect(rules.fire(call('ttl'))).toBeNull();
    expect(rules.list().map((r) => [r.id, r.fired, r.active])).toEqual([['t', 2, false], ['p', 2, true], ['x', 1, false], ['n', 1, false]]);
    expect(rules.activeRules().map((r) => r.id)).toEqual(['p']);
  });

  it('gives hand-written rules stable ids and a ttl from when it first saw them; an edited rule starts counting again', () => {
    let now = 5_000;
    const hand: FaultRuleInput = { server: 'up', action: { type: 'error' }, ttlSeconds: 2 };
    const { rules, audited, edit } = rulesOf([hand], { now: () => now });
    const [first] = rules.list();
    expect(first?.id).toMatch(/^f-[0-9a-f]{8}$/);
    expect(first?.expiresAt).toBe(new Date(7_000).toISOString());
    now = 6_000;
    edit([hand]);
    expect(rules.list()[0]).toMatchObject({ id: first?.id, expiresAt: new Date(7_000).toISOString() });
    edit([{ id: 'named', server: 'up', action: { type: 'error' }, times: 1 }]);
    rules.fire(call('x'));
    edit([{ id: 'named', server: 'up', action: { type: 'error' }, times: 3 }]);
    expect(rules.list()[0]?.fired).toBe(0);
    expect(audited.map((a) => `${a.event} ${a.source}`)).toEqual(['fault.added gateway', 'fault.removed gateway', 'fault.changed gateway']);
  });

  it('adds (ttlSeconds kept as expiresAt), removes and clears through its writer, audited as the API', async () => {
    const { rules, audited } = rulesOf([], { now: () => 10_000 });
    const added = await rules.add({ server: 'up', action: { type: 'hang' }, ttlSeconds: 1 });
    expect(added).toMatchObject({ fired: 0, active: true, expiresAt: new Date(11_000).toISOString() });
    await expect(rules.add({ id: added.id, server: 'up', action: { type: 'hang' } })).rejects.toThrow(/exists/);
    await expect(rules.remove('nope')).rejects.toThrow(/no fault rule "nope"/);
    await rules.add({ id: 'two', server: 'up', action: { type: 'drop' } });
    await rules.remove('two');
    expect(await rules.clear()).toBe(1);
    expect(rules.active).toBe(false);
    expect(audited.map((a) => `${a.event} ${a.source}`)).toEqual(['fault.added api', 'fault.added api', 'fault.removed api', 'faults.cleared api']);
  });
});

describe('patchMessage', () => {
  it('applies RFC 6902 to a copy and reports a patch that does not apply', () => {
    const message = { jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'a', description: 'old' }] } };
    const patched = patchMessage(message, [{ op: 'replace', path: '/result/tools/0/description', value: 'new' }, { op: 'add', path: '/result/tools/-', value: { name: 'b' } }]);
    expect(patched).toEqual({ ok: true, value: { jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'a', description: 'new' }, { name: 'b' }] } } });
    expect(message.result.tools).toHaveLength(1);
    const failed = patchMessage(message, [{ op: 'test', path: '/id', value: 2 }]);
    expect(failed.ok).toBe(false);
    expect(patchMessage(undefined, [{ op: 'remove', path: '/id' }])).toMatchObject({ ok: false, error: expect.stringMatching(/too large/) });
  });
});
