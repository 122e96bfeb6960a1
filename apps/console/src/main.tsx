import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createSessionStore } from './auth/session';
import { SessionProvider } from './auth/session-context';
import { hasAppCode } from './lib/errors';
import './styles.css';
import { createTrpcClient, trpc } from './trpc';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const sessions = createSessionStore(window.localStorage);

// A call refused as UNAUTHENTICATED means the session is no longer good (expired,
// or the server no longer accepts it): end it, and the sign-in guard sends the
// person to sign in, keeping where they were.
const onError = (error: unknown) => {
  if (hasAppCode(error, 'UNAUTHENTICATED') && sessions.get().session) sessions.end('expired');
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    // Live updates arrive over subscriptions; a short stale time keeps navigation instant
    // without refetching on every focus change.
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // Retrying does not help a refusal (4xx with an appCode); it may help a dropped connection.
      retry: (count, error) => count < 1 && !(error as { data?: { appCode?: string } }).data?.appCode,
    },
    // Mutations are never retried blindly: a retry must reuse its idempotency key.
    mutations: { retry: false },
  },
});

const trpcClient = createTrpcClient(sessions.csrfToken);

createRoot(container).render(
  <StrictMode>
    <SessionProvider store={sessions}>
      <trpc.Provider client={trpcClient} queryClient={queryClient}>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </trpc.Provider>
    </SessionProvider>
  </StrictMode>,
);
