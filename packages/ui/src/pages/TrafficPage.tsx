// The traffic view: filters, the live table, the detail pane.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { api } from '../api/endpoints.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DetailPane } from '../components/DetailPane.js';
import { alertBanner } from '../alerts/MessageAlerts.js';
import { EmptyState } from '../components/EmptyState.js';
import { FilterBar } from '../components/FilterBar.js';
import { FilterControls } from '../components/FilterControls.js';
import { indexOfId, TrafficTable } from '../components/TrafficTable.js';
import { compileQuery } from '../filter/query.js';
import { isFiltered, parseTrafficView, queryIdentity, structuredOf, trafficSearch, type TrafficView } from '../filter/url.js';
import { useFeed, useFeedStatus } from '../live/context.js';
import { useReplayAddon } from '../replay/DetailReplay.js';
import { bothAddons, useFaultAddon } from '../faults/DetailFault.js';
import { Link, setSearch, useLocation } from '../router/router.js';
import { foldPairs, TrafficStore } from '../traffic/store.js';
import { rowPending, type Row } from '../traffic/row.js';

const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);
/** Whether keys typed now belong to a field (so j, k and / are text there). */
const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable ||
    target.tagName === 'TEXTAREA' ||
    target.tagName === 'SELECT' ||
    (target instanceof HTMLInputElement && !NOT_TEXT.has(target.type)));

export function TrafficPage() {
  const { search } = useLocation();
  const view = useMemo(() => parseTrafficView(search), [search]);
  const identity = queryIdentity(view);
  const feed = useFeed();
  const feedStatus = useFeedStatus();
  const queryClient = useQueryClient();
  const filterRef = useRef<HTMLInputElement>(null);
  const replayAddon = useReplayAddon();
  const faultAddon = useFaultAddon();
  const addon = useMemo(() => bothAddons(replayAddon, faultAddon), [replayAddon, faultAddon]);

  const update = useCallback(
    (patch: Partial<TrafficView>, replace = false) => setSearch(trafficSearch({ ...parseTrafficView(new URLSearchParams(window.location.search)), ...patch }), { replace }),
    [],
  );

  // One store per query; relative ranges are resolved when the query changes.
  const query = useMemo(() => compileQuery(structuredOf(view, Date.now()), view.text), [identity]); // eslint-disable-line react-hooks/exhaustive-deps
  const store = useMemo(() => new TrafficStore(query, feed, (params) => api.listMessages(params), { getMessage: api.message }), [query, feed]);
  useEffect(() => {
    store.start();
    return () => store.dispose();
  }, [store]);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);

  const [follow, setFollow] = useState(true);
  const [paused, setPaused] = useState<{ rows: Row[] } | null>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const shownRows = paused ? paused.rows : snapshot.rows;
  const version = paused ? -1 : snapshot.version;
  const rows = useMemo(
    () => (view.fold ? foldPairs(shownRows, (id) => store.get(id) !== undefined) : shownRows),
    [shownRows, version, view.fold, store], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const newWhilePaused = paused ? snapshot.rows.length - paused.rows.length : 0;

  const selectedRow = view.selected === null ? undefined : store.get(view.selected);
  const marked = useMemo(() => {
    const set = new Set<number>();
    if (!selectedRow) return set;
    if (selectedRow.pairedId !== null) set.add(selectedRow.pairedId);
    if (selectedRow.relatedId !== null) set.add(selectedRow.relatedId);
    for (const row of rows) if (row.relatedId === selectedRow.id) set.add(row.id);
    return set;
  }, [selectedRow, rows]);

  const select = useCallback((id: number, open?: boolean) => update({ selected: id, ...(open === undefined ? {} : { open }) }, true), [update]);
  const open = useCallback((id: number) => select(id, true), [select]);
  const onLoadOlder = useCallback(() => void store.loadOlder(), [store]);
  const onVisible = useCallback((visible: readonly Row[]) => store.resolveTargets(visible), [store]);

  // Keyboard: j/k move, / filters, Enter opens, Esc closes.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.metaKey || event.altKey || document.querySelector('dialog[open]')) return;
      if (typing(event.target)) return;
      const current = view.selected === null ? -1 : indexOfId(rows, view.selected);
      if (event.key === '/') {
        event.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      } else if (event.key === 'j' || event.key === 'ArrowDown') {
        const next = rows[Math.min(rows.length - 1, current + 1)];
        if (next) {
          event.preventDefault();
          setFollow(false);
          select(next.id);
        }
      } else if (event.key === 'k' || event.key === 'ArrowUp') {
        const previous = rows[current === -1 ? rows.length - 1 : Math.max(0, current - 1)];
        if (previous) {
          event.preventDefault();
          setFollow(false);
          select(previous.id);
        }
      } else if (event.key === 'Enter' && view.selected !== null) {
        event.preventDefault();
        update({ open: true }, true);
      } else if (event.key === 'Escape' && view.open) {
        event.preventDefault();
        update({ open: false }, true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows, view.selected, view.open, select, update]);

  // A clear removes the selected message: close it rather than ask for what is gone.
  useEffect(
    () =>
      feed.subscribe({
        clear: (event) => {
          const current = parseTrafficView(new URLSearchParams(window.location.search));
          const row = current.selected === null ? undefined : store.get(current.selected);
          const gone = current.selected !== null && current.selected < event.before && (event.server === null || row === undefined || row.server === event.server);
          if (gone) update({ selected: null, open: false }, true);
        },
      }),
    [feed, store, update],
  );

  const servers = useQuery({ queryKey: ['servers'], queryFn: api.servers });
  const filtered = isFiltered(view);
  const empty = snapshot.status === 'ready' && snapshot.rows.length === 0 && !snapshot.hasOlder;

  const exportAs = (button: HTMLElement, format: 'jsonl' | 'har'): void => {
    const menu = button.closest('details');
    if (menu) menu.open = false;
    // Exports are fetched (they need the token header): a failure must say so, not vanish.
    api.exportMessages(query.apiParams, format).catch((error: unknown) => window.alert(`Export failed: ${(error as Error).message}`));
  };

  const clear = async (): Promise<void> => {
    setConfirmClear(false);
    await api.clearMessages(view.filter.server);
    void queryClient.invalidateQueries({ queryKey: ['sessions'] });
    void queryClient.invalidateQueries({ queryKey: ['stats'] });
  };

  return (
    <div className="traffic">
      <div className="toolbar">
        <FilterBar value={view.text} problems={query.problems} inputRef={filterRef} onCommit={(text, replace) => update({ text, selected: null, open: false }, replace)} />
        <div className="toolbar-actions">
          <button type="button" aria-pressed={follow} title="Keep the newest message in view" onClick={() => setFollow(!follow)}>
            {follow ? '⤓ Following' : '⤓ Follow'}
          </button>
          <button type="button" aria-pressed={paused !== null} title="Freeze the table; new messages wait" onClick={() => setPaused(paused ? null : { rows: snapshot.rows.slice() })}>
            {paused ? `Resume${newWhilePaused > 0 ? ` (${newWhilePaused} new)` : ''}` : 'Pause'}
          </button>
          <button type="button" aria-pressed={view.fold} title="Show each request and its answer as one row" onClick={() => update({ fold: !view.fold }, true)}>
            ⇅ Fold pairs
          </button>
          <details className="menu">
            <summary>Export</summary>
            <div className="menu-body">
              <p className="muted">
                {query.clientOnly
                  ? 'Exports what the server can filter on (exclusions, alternatives and size/duration< apply only on screen).'
                  : 'Exports every message matching the current filter.'}
              </p>
              <button type="button" onClick={(e) => exportAs(e.currentTarget, 'jsonl')}>
                JSON Lines (.jsonl)
              </button>
              <button type="button" onClick={(e) => exportAs(e.currentTarget, 'har')}>
                HAR (.har, credentials left out)
              </button>
            </div>
          </details>
          <Link
            to={view.filter.server ? `/compose?server=${encodeURIComponent(view.filter.server)}` : '/compose'}
            className="button"
            title="Write a request to a server (from the tools, prompts and resources it listed) and send it in a fresh session"
          >
            ✎ Compose
          </Link>
          <button type="button" className="danger-outline" onClick={() => setConfirmClear(true)}>
            Clear…
          </button>
        </div>
      </div>
      <FilterControls view={view} servers={servers.data?.servers ?? []} onChange={(patch) => update({ ...patch, selected: null, open: false })} />
      <div className="status-line" aria-live="polite">
        <span>
          {snapshot.status === 'loading' ? 'Loading…' : `${rows.length.toLocaleString('en-US')} ${rows.length === 1 ? 'message' : 'messages'}${snapshot.hasOlder ? ' loaded' : ''}${filtered ? ' matching' : ''}`}
        </span>
        <span className={`live-dot live-${paused ? 'paused' : feedStatus}`}>
          {paused ? 'paused' : feedStatus === 'live' ? 'live' : feedStatus === 'unauthorized' ? 'not authorized' : 'reconnecting…'}
        </span>
        {snapshot.error && <span className="error-text">{snapshot.error}</span>}
      </div>
      <div className={`traffic-body${view.open && view.selected !== null ? ' with-detail' : ''}`}>
        {empty && !filtered ? (
          <EmptyState servers={servers.data?.servers ?? null} />
        ) : empty ? (
          <div className="empty-panel">
            <h2>No messages match</h2>
            <p>Nothing recorded so far matches these filters. New messages that match appear here as they happen.</p>
            <button type="button" onClick={() => setSearch(new URLSearchParams())}>
              Clear all filters
            </button>
          </div>
        ) : (
          <TrafficTable
            rows={rows}
            version={version}
            selectedId={view.selected}
            marked={marked}
            pairId={selectedRow?.pairedId ?? null}
            follow={follow && paused === null}
            onFollowChange={setFollow}
            onOpen={open}
            hasOlder={snapshot.hasOlder}
            loadingOlder={snapshot.loadingOlder}
            onLoadOlder={onLoadOlder}
            onVisible={onVisible}
            folded={view.fold}
          />
        )}
        {view.open && view.selected !== null && (
          <DetailPane
            id={view.selected}
            pending={selectedRow !== undefined && rowPending(selectedRow)}
            onClose={() => update({ open: false }, true)}
            onSelect={(id) => select(id, true)}
            addon={addon}
            banner={alertBanner}
          />
        )}
      </div>
      <ConfirmDialog
        open={confirmClear}
        title={view.filter.server ? `Clear the messages of ${view.filter.server}?` : 'Clear all recorded messages?'}
        confirmLabel="Clear"
        danger
        onConfirm={() => void clear()}
        onCancel={() => setConfirmClear(false)}
      >
        <p>
          {view.filter.server
            ? `Every recorded message of the server "${view.filter.server}" is deleted from the gateway's database.`
            : "Every recorded message of every server is deleted from the gateway's database."}{' '}
          This cannot be undone; export first if you want to keep them.
        </p>
      </ConfirmDialog>
    </div>
  );
}
