// The traffic view's state in the query string, so a view can be shared and
// the back button works: filters, the filter bar, folding, the selection.
import type { Direction, MessageKind } from '@mcp-gateway/gateway/types';
import type { StructuredFilter } from './query.js';

export const RANGES: Record<string, { label: string; ms: number }> = {
  '5m': { label: 'Last 5 minutes', ms: 5 * 60_000 },
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
};

const KINDS: MessageKind[] = ['request', 'response', 'notification', 'error', 'invalid'];
const DIRECTIONS: Direction[] = ['client_to_server', 'server_to_client'];

export interface TrafficView {
  /** The controls, except the time range (see `range`, `since`, `until`). */
  filter: Omit<StructuredFilter, 'since' | 'until'>;
  /** Filter bar text. */
  text: string;
  /** A relative range (RANGES key), resolved against the time the view opened. */
  range: string | null;
  /** An absolute range: epoch ms. */
  since: number | null;
  until: number | null;
  fold: boolean;
  selected: number | null;
  /** Whether the detail pane shows the selected message. */
  open: boolean;
}

function time(value: string | null): number | null {
  if (value === null || value === '') return null;
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function parseTrafficView(search: URLSearchParams): TrafficView {
  const get = (name: string): string | undefined => search.get(name) || undefined;
  const kind = get('kind');
  const dir = get('dir');
  const range = get('range');
  const selected = get('sel');
  const errors = get('errors');
  return {
    filter: {
      server: get('server'),
      session: get('session'),
      method: get('method'),
      kind: kind && (KINDS as string[]).includes(kind) ? (kind as MessageKind) : undefined,
      direction: dir && (DIRECTIONS as string[]).includes(dir) ? (dir as Direction) : undefined,
      errors: errors === '1' ? true : undefined,
    },
    text: search.get('q') ?? '',
    range: range && range in RANGES ? range : null,
    since: time(search.get('since')),
    until: time(search.get('until')),
    fold: search.get('fold') === '1',
    selected: selected && /^\d+$/.test(selected) ? Number(selected) : null,
    open: search.get('open') === '1',
  };
}

export function trafficSearch(view: TrafficView): URLSearchParams {
  const search = new URLSearchParams();
  const f = view.filter;
  if (f.server) search.set('server', f.server);
  if (f.session) search.set('session', f.session);
  if (f.method) search.set('method', f.method);
  if (f.kind) search.set('kind', f.kind);
  if (f.direction) search.set('dir', f.direction);
  if (f.errors) search.set('errors', '1');
  if (view.range) search.set('range', view.range);
  if (view.since !== null) search.set('since', new Date(view.since).toISOString());
  if (view.until !== null) search.set('until', new Date(view.until).toISOString());
  if (view.text.trim()) search.set('q', view.text.trim());
  if (view.fold) search.set('fold', '1');
  if (view.selected !== null) search.set('sel', String(view.selected));
  if (view.open && view.selected !== null) search.set('open', '1');
  return search;
}

/** What decides the rows (not the selection or folding): a new value means a new query. */
export function queryIdentity(view: TrafficView): string {
  return JSON.stringify([view.filter, view.text.trim(), view.range, view.since, view.until]);
}

/** The controls and range as a StructuredFilter, relative ranges resolved at `now`. */
export function structuredOf(view: TrafficView, now: number): StructuredFilter {
  const rangeMs = view.range ? RANGES[view.range]?.ms : undefined;
  const since = rangeMs !== undefined ? now - rangeMs : (view.since ?? undefined);
  return { ...view.filter, since, until: view.until ?? undefined };
}

export function isFiltered(view: TrafficView): boolean {
  const f = view.filter;
  return Boolean(f.server || f.session || f.method || f.kind || f.direction || f.errors || view.range || view.since || view.until || view.text.trim());
}
