// One message body: a JSON tree with search, or the raw text. Rendering is
// gated by size so a huge message never freezes the page.
import { useMemo, useState } from 'react';
import type { MessageRecord } from '@mcp-gateway/gateway/types';
import { bytes } from '../format/format.js';
import { JsonTree } from './JsonTree.js';

/** Bodies above this many characters are not parsed or drawn until asked. */
export const TREE_LIMIT = 300_000;
const RAW_LIMIT = 100_000;

function parse(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

export function MessageView({ message }: { message: MessageRecord }) {
  const big = message.body.length > TREE_LIMIT;
  const [mode, setMode] = useState<'tree' | 'raw'>(big ? 'raw' : 'tree');
  const [forceTree, setForceTree] = useState(false);
  const [rawAll, setRawAll] = useState(false);
  const [term, setTerm] = useState('');
  const parsed = useMemo(() => (mode === 'tree' && (!big || forceTree) ? parse(message.body) : null), [message.body, mode, big, forceTree]);
  const pretty = useMemo(() => {
    if (mode !== 'raw') return '';
    const text = rawAll ? message.body : message.body.slice(0, RAW_LIMIT);
    if (big) return text;
    const result = parse(text);
    return result.ok ? JSON.stringify(result.value, null, 2) : text;
  }, [message.body, mode, rawAll, big]);

  return (
    <div className="message-view">
      <div className="message-tools">
        <div className="segmented" role="group" aria-label="View">
          <button type="button" aria-pressed={mode === 'tree'} onClick={() => setMode('tree')}>
            Tree
          </button>
          <button type="button" aria-pressed={mode === 'raw'} onClick={() => setMode('raw')}>
            Raw
          </button>
        </div>
        {mode === 'tree' && (
          <input
            type="search"
            className="tree-search"
            placeholder="Search in message"
            aria-label="Search in message"
            value={term}
            onChange={(e) => setTerm(e.target.value)}
          />
        )}
      </div>
      {message.truncated && (
        <p className="notice">
          The gateway stored only the first part of this message: it was {bytes(message.size)}; bodies are cut at 1 MiB.
        </p>
      )}
      {message.redactions.length > 0 && <p className="notice subtle">Secrets were masked before storage ({message.redactions.join(', ')}).</p>}
      {mode === 'tree' && big && !forceTree && (
        <div className="notice">
          <p>This message is {bytes(message.body.length)}: drawing it as a tree may take a moment.</p>
          <button type="button" onClick={() => setForceTree(true)}>
            Draw the tree anyway
          </button>
        </div>
      )}
      {mode === 'tree' && parsed && parsed.ok && <JsonTree value={parsed.value} term={term} />}
      {mode === 'tree' && parsed && !parsed.ok && (
        <>
          <p className="notice subtle">Not valid JSON (or cut short); shown as text.</p>
          <pre className="raw">{message.body.slice(0, RAW_LIMIT)}</pre>
        </>
      )}
      {mode === 'raw' && (
        <>
          <pre className="raw">{pretty}</pre>
          {!rawAll && message.body.length > RAW_LIMIT && (
            <button type="button" onClick={() => setRawAll(true)}>
              Show all {bytes(message.body.length)}
            </button>
          )}
        </>
      )}
    </div>
  );
}
