// Keeps the alert queries fresh: an `alert` event on the live feed (raised or
// seen again) refetches them, at most every half second.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useFeed } from '../live/context.js';
import { ALERTS_KEY } from './api.js';

export function AlertsSync() {
  const feed = useFeed();
  const queryClient = useQueryClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = (): void => {
      timer = null;
      void queryClient.invalidateQueries({ queryKey: [ALERTS_KEY] });
      void queryClient.invalidateQueries({ queryKey: ['definitions'] });
    };
    const stop = feed.subscribe({
      alert: () => {
        timer ??= setTimeout(refresh, 500);
      },
      clear: () => {
        timer ??= setTimeout(refresh, 500);
      },
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [feed, queryClient]);
  return null;
}
