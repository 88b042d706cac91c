// Text as the model reads it: invisible characters (zero-width, bidi
// controls, tag characters, variation selectors) drawn as visible escapes,
// and a matched range highlighted. Offsets are UTF-16 code units, as alerts give them.
import type { ReactNode } from 'react';

const INVISIBLE = /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\u3164\ufe00-\ufe0f\ufeff\uffa0]|\udb40[\udc00-\udc7f\udd00-\uddef]/g;

/** `text` with each invisible character as a `\u{…}` chip. */
export function Visible({ text }: { text: string }): ReactNode {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(INVISIBLE)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const cp = (m[0].codePointAt(0) as number).toString(16).toUpperCase();
    parts.push(
      <span key={m.index} className="invisible-char" title={`invisible character U+${cp}`}>
        {`\\u{${cp}}`}
      </span>,
    );
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

/** A field with its match highlighted, cut to `context` characters around it. */
export function Highlighted({ text, start, end, context = 240 }: { text: string; start: number; end: number; context?: number }) {
  const from = Math.max(0, start - context);
  const to = Math.min(text.length, end + context);
  return (
    <span className="field-text">
      {from > 0 && <span className="muted">… </span>}
      <Visible text={text.slice(from, start)} />
      <mark className="alert-match">
        <Visible text={text.slice(start, end)} />
      </mark>
      <Visible text={text.slice(end, to)} />
      {to < text.length && <span className="muted"> …</span>}
    </span>
  );
}

/** The value at a JSON path such as `$.result.tools[2]["my-key"].description`, or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  let current: unknown = root;
  const steps = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let at = 1;
  for (const m of path.slice(1).matchAll(steps)) {
    if (m.index !== at - 1) return undefined;
    at += m[0].length;
    const key = m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3] as string) as string));
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return at === path.length ? current : undefined;
}
