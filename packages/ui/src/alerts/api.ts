// The alert and definition endpoints, and the react-query hooks the badges,
// the Alerts page and the definition history share.
import { useQuery } from '@tanstack/react-query';
import type { Alert, AlertList, AlertMarks, AlertRuleInfo, AlertSeverity, BaselineResult, DefinitionHistory, DefinitionSet } from '@mcp-gateway/gateway/types';
import { apiJson, queryString } from '../api/client.js';

export const alertsApi = {
  alerts: (params: { server?: string; severity?: string; kind?: string; message?: number; limit?: number } = {}) =>
    apiJson<AlertList>(`/alerts${queryString({ limit: 1000, ...params })}`),
  rules: () => apiJson<{ rules: AlertRuleInfo[] }>('/alerts/rules'),
  marks: () => apiJson<AlertMarks>('/alerts/marks'),
  definitions: (server: string) => apiJson<DefinitionHistory>(`/servers/${encodeURIComponent(server)}/definitions`),
  definitionSet: (hash: string) => apiJson<DefinitionSet>(`/definitions/${hash}`),
  acceptBaseline: (server: string) => apiJson<BaselineResult>(`/servers/${encodeURIComponent(server)}/baseline`, { method: 'POST' }),
};

/** Query keys: an `alert` event invalidates everything under ALERTS_KEY. */
export const ALERTS_KEY = 'alerts';

export const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, high: 2 };

export function highest(severities: Iterable<AlertSeverity>): AlertSeverity | null {
  let top: AlertSeverity | null = null;
  for (const s of severities) if (top === null || SEVERITY_RANK[s] > SEVERITY_RANK[top]) top = s;
  return top;
}

/** Message id → the highest severity of the alerts seen in it. */
export function useAlertMarks(): ReadonlyMap<number, AlertSeverity> {
  const query = useQuery({
    queryKey: [ALERTS_KEY, 'marks'],
    queryFn: alertsApi.marks,
    select: (data) => new Map(data.marks.map((m) => [m.messageId, m.severity])),
    staleTime: 30_000,
  });
  return query.data ?? EMPTY;
}
const EMPTY: ReadonlyMap<number, AlertSeverity> = new Map();

/** Every alert (the newest 1000). */
export function useAllAlerts() {
  return useQuery({ queryKey: [ALERTS_KEY, 'list'], queryFn: () => alertsApi.alerts(), staleTime: 30_000 });
}

/** Rule id → what it means and what to do. */
export function useRules(): ReadonlyMap<string, AlertRuleInfo> {
  const query = useQuery({ queryKey: ['alert-rules'], queryFn: alertsApi.rules, staleTime: Infinity, select: (d) => new Map(d.rules.map((r) => [r.id, r])) });
  return query.data ?? NO_RULES;
}
const NO_RULES: ReadonlyMap<string, AlertRuleInfo> = new Map();

export function alertsOf(list: AlertList | undefined, server: string): Alert[] {
  return (list?.alerts ?? []).filter((a) => a.server === server);
}
