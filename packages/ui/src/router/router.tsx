// A tiny router over the History API. Every page lives under /ui/ (the
// gateway answers index.html for any /ui/* path); state that should survive
// a reload or be shared (filters, selection) is in the query string.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

export const BASE = '/ui';

const listeners = new Set<() => void>();
const notify = (): void => {
  for (const listener of listeners) listener();
};
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = (): string => `${window.location.pathname}${window.location.search}`;

export interface Location {
  /** Path under /ui, starting with `/` (`/`, `/servers`, ...). */
  path: string;
  search: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, 'http://x');
  const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) || '/' : url.pathname;
  return { path, search: url.searchParams };
}

/** `to` is a path under /ui with an optional query string: `/servers`, `/?kind=request`. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const href = `${BASE}${to}`;
  if (href === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  notify();
}

/** Replaces only the query string of the current page. */
export function setSearch(search: URLSearchParams, options: { replace?: boolean } = {}): void {
  const text = search.toString();
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) || '/' : '/';
  navigate(`${path}${text ? `?${text}` : ''}`, options);
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    rest.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a {...rest} href={`${BASE}${to}`} onClick={onClick}>
      {children}
    </a>
  );
}
