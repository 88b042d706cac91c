// A collapsible JSON tree. Everything is a text node (never HTML). Big
// containers show 200 children at a time, long strings are cut with a
// "show all", and a search expands the paths to its matches.
import { useMemo, useState, type ReactNode } from 'react';

const CHILD_PAGE = 200;
const STRING_CUT = 2000;
const MAX_SEARCH_NODES = 200_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Paths (JSON pointer-like, joined by \u0000) whose key or value contains `term`, and their ancestors. */
export function searchPaths(value: Json, term: string): { matches: number; open: Set<string> } {
  const open = new Set<string>();
  let matches = 0;
  let visited = 0;
  const needle = term.toLowerCase();
  const walk = (node: Json, path: string): boolean => {
    if (++visited > MAX_SEARCH_NODES) return false;
    let found = false;
    if (node !== null && typeof node === 'object') {
      const entries: Array<[string, Json]> = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node);
      for (const [key, child] of entries) {
        const childPath = `${path}\u0000${key}`;
        const keyHit = !Array.isArray(node) && key.toLowerCase().includes(needle);
        if (keyHit) matches++;
        if (walk(child, childPath) || keyHit) found = true;
      }
      if (found) open.add(path);
    } else if (String(node).toLowerCase().includes(needle)) {
      matches++;
      found = true;
    }
    return found;
  };
  if (needle) walk(value, '');
  return { matches, open };
}

/** `text` with every occurrence of `term` in a <mark>. */
export function highlight(text: string, term: string): ReactNode {
  if (!term) return text;
  const lower = text.toLowerCase();
  const needle = term.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  if (parts.length === 0) return text;
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}

function Scalar({ value, term }: { value: Json; term: string }) {
  const [full, setFull] = useState(false);
  if (value === null) return <span className="j-null">null</span>;
  if (typeof value === 'boolean') return <span className="j-bool">{String(value)}</span>;
  if (typeof value === 'number') return <span className="j-num">{highlight(String(value), term)}</span>;
  const text = value as string;
  const cut = !full && text.length > STRING_CUT;
  const shown = cut ? text.slice(0, STRING_CUT) : text;
  return (
    <span className="j-str">
      "{highlight(shown, term)}
      {cut && (
        <button type="button" className="link-button" onClick={() => setFull(true)}>
          … show all {text.length.toLocaleString('en-US')} characters
        </button>
      )}
      "
    </span>
  );
}

interface NodeProps {
  name: string | null;
  value: Json;
  path: string;
  depth: number;
  term: string;
  forced: Set<string>;
  defaultDepth: number;
}

function Node({ name, value, path, depth, term, forced, defaultDepth }: NodeProps) {
  const container = value !== null && typeof value === 'object';
  const [toggled, setToggled] = useState<boolean | null>(null);
  const [limit, setLimit] = useState(CHILD_PAGE);
  const label = name === null ? null : <span className="j-key">{highlight(name, term)}</span>;
  if (!container) {
    return (
      <div className="j-line">
        {label}
        {label && <span className="j-colon">: </span>}
        <Scalar value={value} term={term} />
      </div>
    );
  }
  const isArray = Array.isArray(value);
  const entries: Array<[string, Json]> = isArray ? (value as Json[]).map((v, i) => [String(i), v]) : Object.entries(value as Record<string, Json>);
  const expanded = toggled ?? (forced.has(path) || depth < defaultDepth);
  const summary = isArray ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <div className="j-node">
      <div className="j-line">
        <button
          type="button"
          className="j-toggle"
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Collapse' : 'Expand'} ${name ?? 'message'}`}
          onClick={() => setToggled(!expanded)}
        >
          {expanded ? '▾' : '▸'}
        </button>
        {label}
        {label && <span className="j-colon">: </span>}
        <span className="j-summary">{expanded ? (isArray ? '[' : '{') : summary}</span>
      </div>
      {expanded && (
        <div className="j-children">
          {entries.slice(0, limit).map(([key, child]) => (
            <Node
              key={key}
              name={isArray ? null : key}
              value={child}
              path={`${path}\u0000${key}`}
              depth={depth + 1}
              term={term}
              forced={forced}
              defaultDepth={defaultDepth}
            />
          ))}
          {entries.length > limit && (
            <button type="button" className="link-button" onClick={() => setLimit(limit + CHILD_PAGE * 5)}>
              Show more ({(entries.length - limit).toLocaleString('en-US')} left)
            </button>
          )}
          <div className="j-line j-close">{isArray ? ']' : '}'}</div>
        </div>
      )}
    </div>
  );
}

export function JsonTree({ value, term }: { value: unknown; term: string }) {
  const json = value as Json;
  const { open } = useMemo(() => searchPaths(json, term.trim()), [json, term]);
  // Small messages open fully; big ones two levels deep.
  const defaultDepth = useMemo(() => (JSON.stringify(json).length < 4000 ? 8 : 2), [json]);
  return (
    <div className="json-tree" key={term}>
      <Node name={null} value={json} path="" depth={0} term={term.trim()} forced={open} defaultDepth={defaultDepth} />
    </div>
  );
}
