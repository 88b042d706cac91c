// The filter bar: the grammar in one input, applied on Enter (or after a
// pause in typing), with what it did not understand shown under it.
import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { FILTER_HELP } from '@mcp-gateway/gateway/filter';

export function FilterBar({ value, problems, onCommit, inputRef }: {
  value: string;
  problems: string[];
  onCommit(text: string, replace: boolean): void;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const [draft, setDraft] = useState(value);
  const [help, setHelp] = useState(false);
  const committed = useRef(value);
  useEffect(() => {
    setDraft(value);
    committed.current = value;
  }, [value]);
  // Typing narrows as you go (replacing the history entry); Enter makes it a step the back button returns to.
  useEffect(() => {
    if (draft === committed.current) return;
    const timer = setTimeout(() => {
      committed.current = draft;
      onCommit(draft, true);
    }, 500);
    return () => clearTimeout(timer);
  }, [draft, onCommit]);
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') {
      committed.current = draft;
      onCommit(draft, false);
    } else if (event.key === 'Escape') {
      event.currentTarget.blur();
    }
  };
  return (
    <div className="filter-bar">
      <div className="filter-input">
        <span className="filter-icon" aria-hidden="true">
          ⌕
        </span>
        <input
          ref={inputRef}
          type="search"
          aria-label="Filter messages"
          aria-describedby="filter-hint"
          placeholder='Filter: method:tools/call -kind:notification status:error duration>100 "text"   ( / )'
          value={draft}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="icon-button" aria-expanded={help} aria-controls="filter-help" aria-label="Filter syntax help" onClick={() => setHelp(!help)}>
          ?
        </button>
      </div>
      <p id="filter-hint" className={problems.length ? 'filter-problems' : 'sr-only'} role={problems.length ? 'alert' : undefined}>
        {problems.length ? problems.join(' · ') : 'Type key:value terms or words; press Enter to apply.'}
      </p>
      {help && (
        <div id="filter-help" className="filter-help">
          <p>Terms are combined with AND; several terms with the same key are alternatives. Click one to add it.</p>
          <ul>
            {FILTER_HELP.map((item) => (
              <li key={item.example}>
                <button
                  type="button"
                  className="link-button mono"
                  onClick={() => {
                    const next = `${draft.trim()} ${item.example}`.trim();
                    setDraft(next);
                    committed.current = next;
                    onCommit(next, false);
                    inputRef.current?.focus();
                  }}
                >
                  {item.example}
                </button>
                <span>{item.meaning}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
