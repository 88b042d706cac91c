import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api/client.js';
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
