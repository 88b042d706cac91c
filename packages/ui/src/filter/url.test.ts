import { describe, expect, it } from 'vitest';
import { parseTrafficView, queryIdentity, structuredOf, trafficSearch } from './url.js';

describe('traffic view in the URL', () => {
  it('round-trips every field', () => {
    const search = new URLSearchParams('server=a&session=s1&method=tools%2Fcall&kind=request&dir=server_to_client&errors=1&range=15m&q=-kind%3Aerror&fold=1&sel=12&open=1');
    const view = parseTrafficView(search);
    expect(view.filter).toEqual({ server: 'a', session: 's1', method: 'tools/call', kind: 'request', direction: 'server_to_client', errors: true });
    expect(view).toMatchObject({ text: '-kind:error', range: '15m', fold: true, selected: 12, open: true });
    expect(trafficSearch(view).toString()).toBe(search.toString());
  });

  it('ignores values it does not know and resolves ranges against now', () => {
    const view = parseTrafficView(new URLSearchParams('kind=banana&range=3y&since=2026-01-01T00:00:00Z&sel=x'));
    expect(view.filter.kind).toBeUndefined();
    expect(view.range).toBeNull();
    expect(view.selected).toBeNull();
    expect(structuredOf(view, 0).since).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(structuredOf(parseTrafficView(new URLSearchParams('range=5m')), 600_000).since).toBe(300_000);
  });

  it('gives the same identity whatever the selection or folding', () => {
    const a = parseTrafficView(new URLSearchParams('q=x&sel=1'));
    const b = parseTrafficView(new URLSearchParams('q=x&fold=1&sel=2&open=1'));
    expect(queryIdentity(a)).toBe(queryIdentity(b));
  });
});
