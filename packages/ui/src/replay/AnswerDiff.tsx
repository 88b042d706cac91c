// The recorded answer and the new one side by side, pretty-printed, with the
// lines of every changed path marked, and the list of changes under them.
import { useMemo, useState } from 'react';
import type { DiffEntry } from '@mcp-gateway/gateway/types';
import { changedLines, prettyJson, type Side } from './diff-lines.js';

/** Lines drawn per side until asked for all: a 1 MiB answer must not stall the pane. */
const LINE_CAP = 2000;
const VALUE_CUT = 160;

function short(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > VALUE_CUT ? `${text.slice(0, VALUE_CUT)}…` : text;
}

function Column({ caption, body, diff, side }: { caption: string; body: string | null; diff: readonly DiffEntry[]; side: Side }) {
  const [all, setAll] = useState(false);
  const text = useMemo(() => (body === null ? null : prettyJson(body)), [body]);
  const marked = useMemo(() => (text === null ? new Set<number>() : changedLines(text, diff, side)), [text, diff, side]);
  const lines = text === null ? [] : text.split('\n');
  const shown = all ? lines : lines.slice(0, LINE_CAP);
  return (
    <figure className={`diff-col diff-${side}`} aria-label={caption}>
      <figcaption>{caption}</figcaption>
      {text === null ? (
        <p className="empty-note">No answer {side === 'before' ? 'was recorded' : 'came'}.</p>
      ) : (
        <pre className="diff-code">
          {shown.map((line, i) => (
            <span key={i} className={marked.has(i) ? 'diff-line diff-changed' : 'diff-line'} data-changed={marked.has(i) ? side : undefined}>
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
      {!all && lines.length > LINE_CAP && (
        <button type="button" className="small" onClick={() => setAll(true)}>
          Show all {lines.length.toLocaleString('en-US')} lines
        </button>
      )}
    </figure>
  );
}

/** Each changed, added or removed path with its old and new value. */
export function DiffList({ diff }: { diff: readonly DiffEntry[] }) {
  return (
    <ul className="diff-list" aria-label="Differences">
      {diff.map((entry) => (
        <li key={`${entry.path}-${entry.change}`} className={`diff-entry diff-entry-${entry.change}`}>
          <span className={`diff-change diff-change-${entry.change}`}>{entry.change}</span>
          <code>{entry.path}</code>
          {entry.change !== 'added' && <span className="diff-value diff-value-before">{short(entry.before)}</span>}
          {entry.change === 'changed' && <span aria-label="became">→</span>}
          {entry.change !== 'removed' && <span className="diff-value diff-value-after">{short(entry.after)}</span>}
        </li>
      ))}
    </ul>
  );
}

export function AnswerDiff({ before, after, diff, beforeCaption, afterCaption }: {
  /** Bodies as stored; null when there is no answer on that side. */
  before: string | null;
  after: string | null;
  diff: readonly DiffEntry[];
  beforeCaption: string;
  afterCaption: string;
}) {
  return (
    <div className="answer-diff">
      <div className="diff-cols">
        <Column caption={beforeCaption} body={before} diff={diff} side="before" />
        <Column caption={afterCaption} body={after} diff={diff} side="after" />
      </div>
      {diff.length === 0 ? (
        <p className="diff-same" role="status">
          Same answer: nothing differs (the JSON-RPC id and <code>_meta</code> are not compared).
        </p>
      ) : (
        <div className="diff-changes">
          <h4>
            {diff.length} {diff.length === 1 ? 'difference' : 'differences'}
          </h4>
          <DiffList diff={diff} />
        </div>
      )}
    </div>
  );
}
