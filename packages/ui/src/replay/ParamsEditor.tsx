// A JSON editor for params: a monospace textarea over a backdrop that marks
// what the analysis found (syntax errors, fields the schema refuses, masked
// secrets), with the findings listed under it; each one jumps to its text.
import { useMemo, useRef, type ReactNode } from 'react';
import type { Finding, ParamsAnalysis } from './params-text.js';

interface Mark {
  from: number;
  to: number;
  kind: Finding['kind'];
}

/** The text cut at the findings' ranges, each marked piece in a <mark> (text nodes only). */
function backdrop(text: string, findings: readonly Finding[]): ReactNode[] {
  const marks: Mark[] = findings
    .filter((finding) => finding.range !== null)
    .map((finding) => ({ from: finding.range?.offset ?? 0, to: (finding.range?.offset ?? 0) + (finding.range?.length ?? 0), kind: finding.kind }))
    .sort((a, b) => a.from - b.from);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const mark of marks) {
    const from = Math.max(mark.from, at);
    const to = Math.min(Math.max(mark.to, from), text.length);
    if (to <= from && mark.from < at) continue;
    if (from > at) parts.push(text.slice(at, from));
    // A syntax error at the very end has no character to mark: mark a space after it.
    parts.push(
      <mark key={`${from}-${mark.kind}`} className={`pe-mark pe-${mark.kind}`}>
        {to > from ? text.slice(from, to) : ' '}
      </mark>,
    );
    at = Math.max(at, to);
  }
  if (at < text.length) parts.push(text.slice(at));
  // A trailing newline needs a character after it to take up its line.
  parts.push(' ');
  return parts;
}

const KIND_LABEL: Record<Finding['kind'], string> = { syntax: 'JSON', schema: 'schema', secret: 'secret' };

export function ParamsEditor({ id, label, text, analysis, onChange, describedBy }: {
  id: string;
  label: string;
  text: string;
  analysis: ParamsAnalysis;
  onChange(text: string): void;
  describedBy?: string;
}) {
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const backRef = useRef<HTMLDivElement>(null);
  const marked = useMemo(() => backdrop(text, analysis.findings), [text, analysis.findings]);
  const rows = Math.min(Math.max(text.split('\n').length + 1, 6), 22);
  const findingsId = `${id}-findings`;

  const jump = (finding: Finding): void => {
    const area = areaRef.current;
    if (!area || !finding.range) return;
    area.focus();
    area.setSelectionRange(finding.range.offset, finding.range.offset + Math.max(finding.range.length, 0));
  };
  const sync = (): void => {
    if (areaRef.current && backRef.current) {
      backRef.current.scrollTop = areaRef.current.scrollTop;
      backRef.current.scrollLeft = areaRef.current.scrollLeft;
    }
  };

  return (
    <div className="params-editor-wrap">
      <label htmlFor={id} className="pe-label">
        {label}
      </label>
      <div className="params-editor">
        <div className="pe-backdrop" ref={backRef} aria-hidden="true">
          {marked}
        </div>
        <textarea
          id={id}
          ref={areaRef}
          className="pe-input"
          value={text}
          rows={rows}
          wrap="off"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          aria-invalid={!analysis.valid || analysis.findings.length > 0}
          aria-describedby={[findingsId, describedBy].filter(Boolean).join(' ')}
          onChange={(event) => onChange(event.target.value)}
          onScroll={sync}
        />
      </div>
      <div id={findingsId} className="pe-findings" aria-live="polite">
        {analysis.findings.length === 0 ? (
          <p className="pe-ok">{analysis.checked ? `Valid JSON, and ${analysis.checked} accepts it.` : 'Valid JSON.'}</p>
        ) : (
          <ul aria-label="Problems in the params">
            {analysis.findings.map((finding, i) => (
              <li key={`${finding.path ?? ''}-${finding.message}-${i}`} className={`pe-finding pe-finding-${finding.kind}`}>
                <span className="pe-kind">{KIND_LABEL[finding.kind]}</span>
                {finding.line !== null && finding.range ? (
                  <button type="button" className="link-button" onClick={() => jump(finding)} title="Select it in the editor">
                    line {finding.line}
                  </button>
                ) : finding.line !== null ? (
                  <span className="muted">line {finding.line}</span>
                ) : null}
                {finding.path && <code>{finding.path}</code>}
                <span>{finding.message}</span>
              </li>
            ))}
          </ul>
        )}
        {analysis.notes.map((note) => (
          <p key={note} className="muted pe-note">
            {note}
          </p>
        ))}
      </div>
    </div>
  );
}
