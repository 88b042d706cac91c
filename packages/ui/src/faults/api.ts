// The fault-rule and breakpoint endpoints, through the one API client, and
// the queries the banner, the page and the detail pane share.
import { useQuery } from '@tanstack/react-query';
import type { BreakpointList, FaultList, FaultView } from '@mcp-gateway/gateway/types';
import { apiJson } from '../api/client.js';

/** A rule as the form sends it (POST /api/faults takes what mcp.json holds; id optional). */
export type NewFault = Record<string, unknown>;

const send = <T>(method: string, path: string, body?: unknown): Promise<T> =>
  apiJson<T>(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

export const faultsApi = {
  list: () => apiJson<FaultList>('/faults'),
  add: (rule: NewFault) => send<FaultView>('POST', '/faults', rule),
  remove: (id: string) => send<FaultView>('DELETE', `/faults/${encodeURIComponent(id)}`),
  clear: () => send<{ removed: number }>('DELETE', '/faults'),
  breakpoints: () => apiJson<BreakpointList>('/breakpoints'),
  continue: (id: string, message?: unknown) => send<{ id: string }>('POST', `/breakpoints/${id}/continue`, message === undefined ? {} : { message }),
  abort: (id: string, error: { code?: number; message?: string } = {}) => send<{ id: string }>('POST', `/breakpoints/${id}/abort`, error),
};

/** The rules; polled, since they change by the CLI and by hand in mcp.json too, and fire and expire on their own. */
export function useFaults() {
  return useQuery({ queryKey: ['faults'], queryFn: faultsApi.list, refetchInterval: 2000 });
}

/** Held messages: polled fast while a pause rule is active (a person is waiting on them), else not at all. */
export function useBreakpoints(enabled: boolean) {
  return useQuery({ queryKey: ['breakpoints'], queryFn: faultsApi.breakpoints, refetchInterval: enabled ? 700 : false, enabled });
}
