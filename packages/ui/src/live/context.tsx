import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Feed, FeedStatus } from './feed.js';

const FeedContext = createContext<Feed | null>(null);

export function FeedProvider({ feed, children }: { feed: Feed; children: ReactNode }) {
  return <FeedContext.Provider value={feed}>{children}</FeedContext.Provider>;
}

export function useFeed(): Feed {
  const feed = useContext(FeedContext);
  if (!feed) throw new Error('useFeed outside FeedProvider');
  return feed;
}

export function useFeedStatus(): FeedStatus {
  const feed = useFeed();
  return useSyncExternalStore(
    (listener) => feed.onStatus(listener),
    () => feed.status,
  );
}
