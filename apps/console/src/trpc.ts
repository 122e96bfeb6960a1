/*
 * The typed tRPC client for the console — to be wired by the lead once apps/api
 * exports its router type (`export type { AppRouter } from './router'` as a type-only
 * export, so no server code reaches the browser bundle).
 *
 * Intended content:
 *
 *   import type { AppRouter } from '@stockroom/api';
 *   import { httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
 *   import { createTRPCReact } from '@trpc/react-query';
 *
 *   export const trpc = createTRPCReact<AppRouter>();
 *
 *   export function createTrpcClient(getToken: () => string | null) {
 *     const headers = () => {
 *       const token = getToken();
 *       return token ? { authorization: `Bearer ${token}` } : {};
 *     };
 *     return trpc.createClient({
 *       links: [
 *         splitLink({
 *           condition: (op) => op.type === 'subscription',
 *           // SSE; EventSource cannot send headers, so the token goes as a connection param.
 *           true: httpSubscriptionLink({ url: '/trpc', connectionParams: () => ({ token: getToken() }) }),
 *           false: httpBatchLink({ url: '/trpc', headers }),
 *         }),
 *       ],
 *     });
 *   }
 *
 * and in main.tsx, around <App />, inside the existing QueryClientProvider:
 *
 *   <trpc.Provider client={trpcClient} queryClient={queryClient}>
 *
 * Also add `"@stockroom/api": "workspace:*"` to this package's dependencies. No data
 * transformer: the API sends dates as ISO strings and money as integer minor units.
 */
export {};
