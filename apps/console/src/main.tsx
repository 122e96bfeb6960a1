import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const queryClient = new QueryClient({
  defaultOptions: {
    // Live updates arrive over subscriptions; a short stale time keeps navigation instant
    // without refetching on every focus change.
    queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false },
    // Mutations are never retried blindly: a retry must reuse its idempotency key.
    mutations: { retry: false },
  },
});

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
