import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, adoptTokenFromLocation } from './api/client.js';
import { App } from './App.js';
import { LiveFeed } from './live/feed.js';
import { FeedProvider } from './live/context.js';
import './styles/base.css';
import './styles/traffic.css';
import './styles/pages.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});
// Before the first request: the printed link carries the token in its fragment.
adoptTokenFromLocation();
const feed = new LiveFeed();
feed.start();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <FeedProvider feed={feed}>
          <App />
        </FeedProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
