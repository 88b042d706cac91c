// The message table: fixed-height rows, only those in view are in the DOM
// (100,000 rows cost ~40 elements). Follows the newest row while scrolled to
// the bottom; keeps the rows in view still when older pages are prepended.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type UIEvent } from 'react';
import { clockTime, bytes, duration, shortSession } from '../format/format.js';
import { rowDuration, rowFailed, rowPending, type Row } from '../traffic/row.js';
import { ReplayBadge } from './ReplayBadge.js';
import { InjectedBadge } from './InjectedBadge.js';
import { RowAlertBadge } from '../alerts/badges.js';

export const ROW_HEIGHT = 26;
const OVERSCAN = 8;

export interface TrafficTableProps {
  rows: readonly Row[];
  version: number;
  selectedId: number | null;
  /** Rows tied to the selection: its pair, its progress. */
  marked: ReadonlySet<number>;
  /** The selection's partner (request or answer), labelled in its row. */
  pairId: number | null;
  follow: boolean;
  onFollowChange(follow: boolean): void;
  onOpen(id: number): void;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  /** Called with the rows in view (to fill in what the list lacks). */
  onVisible?(rows: readonly Row[]): void;
  folded: boolean;
}

/** Index of `id` in rows sorted by id, or -1. */
export function indexOfId(rows: readonly Row[], id: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const midId = (rows[mid] as Row).id;
    if (midId === id) return mid;
    if (midId < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const COLUMNS = [
  ['time', 'Time'],
  ['server', 'Server'],
  ['session', 'Session'],
  ['dir', 'Dir'],
  ['kind', 'Kind'],
  ['method', 'Method'],
  ['id', 'ID'],
  ['status', 'Status'],
  ['duration', 'Duration'],
  ['size', 'Size'],
] as const;

function durationClass(ms: number | null): string {
  if (ms === null) return '';
  if (ms >= 1000) return ' slow';
  if (ms >= 200) return ' medium';
  return '';
}

function StatusCell({ row }: { row: Row }) {
  if (rowFailed(row)) {
    return (
      <span className="pill pill-error" title={row.httpStatus === null ? 'error' : `HTTP ${row.httpStatus}`}>
        error
      </span>
    );
  }
  if (rowPending(row)) return <span className="muted">pending</span>;
  return <span className="muted">{row.httpStatus ?? ''}</span>;
}

function TrafficRow({ row, index, selected, paired, isPair, folded, onOpen }: {
  row: Row;
  index: number;
  selected: boolean;
  paired: boolean;
  isPair: boolean;
  folded: boolean;
  onOpen(id: number): void;
}) {
  const failed = rowFailed(row);
  const d = rowDuration(row);
  const classes = ['grid-row', `kind-${row.kind}`];
  if (failed) classes.push('row-error');
  if (selected) classes.push('row-selected');
  if (paired) classes.push('row-paired');
  const kindLabel = folded && row.kind === 'request' && row.pair ? 'call' : row.kind;
  return (
    <div
      role="row"
      id={`msg-${row.id}`}
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={classes.join(' ')}
      style={{ top: index * ROW_HEIGHT }}
      data-id={row.id}
      onClick={() => onOpen(row.id)}
    >
      <div role="gridcell" className="c-time">{clockTime(row.timestamp)}</div>
      <div role="gridcell" className="c-server" title={row.server}>{row.server}</div>
      <div role="gridcell" className="c-session" title={row.sessionId ?? 'no session'}>{shortSession(row.sessionId)}</div>
      <div role="gridcell" className="c-dir" title={row.direction === 'client_to_server' ? 'client → server' : 'server → client'}>
        <span aria-hidden="true">{row.direction === 'client_to_server' ? '→' : '←'}</span>
        <span className="sr-only">{row.direction === 'client_to_server' ? 'client to server' : 'server to client'}</span>
      </div>
      <div role="gridcell" className="c-kind"><span className={`kind kind-badge-${row.kind}`}>{kindLabel}</span></div>
      <div role="gridcell" className="c-method" title={row.target ? `${row.method ?? ''} ${row.target}` : (row.method ?? '')}>
        {/* First, floated right: a long method is cut before it, not it. */}
        {row.origin === 'replay' && <ReplayBadge replayOf={row.replayOf} onOpen={onOpen} />}
        {row.injected !== null && <InjectedBadge rule={row.injected} />}
        <RowAlertBadge ids={[row.id, row.pairedId]} />
        {row.method ?? <span className="muted">—</span>}
        {row.target !== null && <span className="target">{row.target}</span>}
        {isPair && <span className="pair-mark">pair</span>}
      </div>
      <div role="gridcell" className="c-id">{row.jsonrpcId === null ? '' : JSON.stringify(row.jsonrpcId)}</div>
      <div role="gridcell" className="c-status"><StatusCell row={row} /></div>
      <div role="gridcell" className={`c-duration${durationClass(d)}`}>{duration(d)}</div>
      <div role="gridcell" className="c-size">{bytes(row.size)}</div>
    </div>
  );
}

export function TrafficTable(props: TrafficTableProps) {
  const { rows, version, selectedId, marked, pairId, follow, onFollowChange, hasOlder, loadingOlder, onLoadOlder } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const anchor = useRef<{ id: number; offset: number } | null>(null);
  const followRef = useRef(follow);
  followRef.current = follow;

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  const remember = useCallback((top: number) => {
    const first = Math.floor(top / ROW_HEIGHT);
    const row = rows[first];
    anchor.current = row ? { id: row.id, offset: top - first * ROW_HEIGHT } : null;
  }, [rows]);

  // New rows: stick to the bottom when following, else keep the same rows in view.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    if (followRef.current) {
      element.scrollTop = element.scrollHeight;
    } else if (anchor.current) {
      const index = indexOfId(rows, anchor.current.id);
      if (index !== -1) element.scrollTop = index * ROW_HEIGHT + anchor.current.offset;
    }
    setScrollTop(element.scrollTop);
    remember(element.scrollTop);
  }, [rows, version, remember]);

  useEffect(() => {
    if (follow && scrollRef.current) scrollRef.current.scrollTop = scrollRef.current.scrollHeight;
  }, [follow]);

  // Keep the selection in view (j/k).
  useEffect(() => {
    const element = scrollRef.current;
    if (!element || selectedId === null) return;
    const index = indexOfId(rows, selectedId);
    if (index === -1) return;
    const top = index * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
    // Only when the selection moves, not on every new row.
  }, [selectedId]); // eslint-disable-line react-hooks/exhaustive-deps

  // Not enough rows to scroll, or scrolled near the top: page in older ones.
  useEffect(() => {
    if (!hasOlder || loadingOlder) return;
    if (scrollTop < ROW_HEIGHT * 10 || rows.length * ROW_HEIGHT < height) onLoadOlder();
  }, [scrollTop, hasOlder, loadingOlder, rows.length, height, onLoadOlder]);

  const onScroll = (event: UIEvent<HTMLDivElement>): void => {
    const element = event.currentTarget;
    setScrollTop(element.scrollTop);
    remember(element.scrollTop);
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT;
    if (atBottom !== followRef.current) onFollowChange(atBottom);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);
  const onVisible = props.onVisible;
  useEffect(() => {
    onVisible?.(rows.slice(first, last));
  }, [rows, version, first, last, onVisible]);

  return (
    <div
      className="grid"
      role="grid"
      aria-label="Recorded messages"
      aria-rowcount={rows.length + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={selectedId !== null && indexOfId(rows, selectedId) !== -1 ? `msg-${selectedId}` : undefined}
      tabIndex={0}
    >
      <div role="rowgroup" className="grid-head">
        <div role="row" aria-rowindex={1} className="grid-row head-row">
          {COLUMNS.map(([key, label]) => (
            <div role="columnheader" key={key} className={`c-${key}`}>
              {label}
            </div>
          ))}
        </div>
      </div>
      <div className="grid-scroll" ref={scrollRef} onScroll={onScroll}>
        {hasOlder && (
          <div className="older-note" aria-live="polite">
            <span>{loadingOlder ? 'Loading older messages…' : 'Scroll up for older messages'}</span>
          </div>
        )}
        <div role="rowgroup" className="grid-body" style={{ height: rows.length * ROW_HEIGHT }}>
          {visible.map((row, i) => (
            <TrafficRow
              key={row.id}
              row={row}
              index={first + i}
              selected={row.id === selectedId}
              paired={marked.has(row.id)}
              isPair={row.id === pairId}
              folded={props.folded}
              onOpen={props.onOpen}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
