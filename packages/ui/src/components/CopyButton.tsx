import { useEffect, useState } from 'react';
import { copyText } from '../hooks/clipboard.js';

/** A button that copies text (or text made on click) and says so for a moment. */
/** `label` names the button for assistive tech (and shows, unless `display` gives a shorter text). */
export function CopyButton({ label, display, text, className }: {
  label: string;
  display?: string;
  text: string | (() => string | Promise<string>);
  className?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const onClick = async (): Promise<void> => {
    try {
      await copyText(typeof text === 'string' ? text : await text());
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" className={className} aria-label={label} onClick={() => void onClick()}>
      <span aria-hidden={state !== 'idle'}>{state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Copy failed' : (display ?? label)}</span>
      <span className="sr-only" role="status">
        {state === 'copied' ? 'Copied' : ''}
      </span>
    </button>
  );
}
